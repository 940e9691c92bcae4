#include "cli/certify_command_loop.hpp"

#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "cert/loop_certificate.hpp"
#include "cli/certify_command_block.hpp"
#include "cli/common.hpp"
#include "cli/flag_values.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "report/json.hpp"

namespace loopcert::cli {

namespace {

report::Json to_json(const std::string& name, const cert::LoopCertificate& c) {
  report::Json j;
  j["certificate"] = "loop";
  j["program"] = name;
  j["verdict"] = cert::to_string(c.verdict);
  j["scalar"] = c.scalar, j["lambda"] = c.lambda;
  j["layout"] = {{"s", c.s}, {"m", c.m}, {"n", c.n}, {"N", c.N}, {"L", c.L}};
  j["invariant"] = {{"rho_mem", report::number(c.rho_mem)}, {"rho_pc", report::number(c.rho_pc)}, {"passes", c.passes}};
  j["attention_cases"] = c.attention_cases, j["ffn_cases"] = c.ffn_cases;
  report::Json steps = report::Json::array();
  for (const auto& s : c.steps) steps.push_back({{"layer", s.layer}, {"rows", s.rows}, {"column", s.column}, {"radius", report::number(s.radius)}});
  j["steps"] = steps;
  j["reason"] = c.reason.empty() ? report::Json(nullptr) : report::Json(c.reason);
  if (c.witness)
    j["witness"] = {{"pc", c.witness->pc},         {"memory", c.witness->memory},
                    {"loops_from_encoding", c.witness->loops_from_encoding}, {"got", c.witness->got},
                    {"expected_pc", c.witness->expected_pc}, {"expected_memory", c.witness->expected_memory},
                    {"command_table", c.witness_program.empty() ? report::Json(nullptr) : report::Json(c.witness_program)}};
  else
    j["witness"] = nullptr;
  j["sound_for"] = c.sound_for;
  j["seconds"] = report::number(c.seconds);
  return j;
}

std::string memory_text(const std::vector<std::int64_t>& memory) { return fmt::format("[{}]", fmt::join(memory, ", ")); }

void write_text(std::ostream& out, const std::string& name, const cert::LoopCertificate& c) {
  out << fmt::format("loop certificate: {} (layout {},{},{},{}, L = {}) at {}, lambda {}\n", name, c.s, c.m, c.n, c.N, c.L, c.scalar, c.lambda);
  out << fmt::format("  invariant: memory bits within {:.3g} of +-1, pc within {:.3g}, temporaries and idle columns exactly 0 ({} pass(es))\n",
                     c.rho_mem, c.rho_pc, c.passes);
  for (const auto& s : c.steps) out << fmt::format("  {}: {} at {} within {:.3g}\n", s.layer, s.rows, s.column, s.radius);
  out << fmt::format("verdict: {} ({} attention cases, {} feed-forward cases, {:.2f} s)\n", cert::to_string(c.verdict), c.attention_cases,
                     c.ffn_cases, c.seconds);
  if (!c.reason.empty()) out << "reason: " << c.reason << "\n";
  if (c.witness) {
    out << fmt::format("witness: from pc {} with memory {} ({} loop(s) after that state's exact encoding) the loop gives {}; the machine goes to "
                       "pc {} with memory {} (`loopcert run` from this state shows the divergence)\n",
                       c.witness->pc, memory_text(c.witness->memory), c.witness->loops_from_encoding, c.witness->got, c.witness->expected_pc,
                       memory_text(c.witness->expected_memory));
    if (!c.witness_program.empty()) out << "witness command table (a b c per command, by index):\n" << c.witness_program;
  }
  out << "sound for: " << c.sound_for << "\n";
}

}  // namespace

int certify_loop_command(const ProgramSource& source, const LoopCertifyArgs& args) {
  cert::LoopOptions options;
  options.scalar = scalar_flag(args.scalar);
  if (args.witness_samples < 0) throw UsageError("--witness-samples must not be negative");
  options.witness_samples = args.witness_samples;
  blocks::BlockParams params;
  if (!args.lambda.empty()) params.lambda = positive_flag("--lambda", args.lambda);
  const bool layout_only = !source.layout.empty() && source.cmds.empty() && source.mem.empty() && source.path.empty();
  const isa::SubleqProgram program = layout_only ? layout_only_program(source.layout) : load_program(source);
  if (args.lambda.empty()) params.lambda = compile::default_lambda(compile::subleq_layout(program), params);
  if (isatty(STDERR_FILENO)) options.progress = [](const std::string& stage) { std::cerr << "\rcertify: " << stage << "        " << std::flush; };
  cert::LoopCertificate c;
  try {
    const compile::CompiledSubleq compiled = compile::compile_subleq(program, params);
    c = cert::certify_loop(program, compiled, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (options.progress) std::cerr << "\n";
  const std::string name = layout_only ? "layout " + source.layout : source.path.empty() ? source.cmds : source.path;
  if (args.json) std::cout << to_json(name, c).dump(2) << "\n";
  else write_text(std::cout, name, c);
  return c.verdict == cert::Verdict::Certified ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
