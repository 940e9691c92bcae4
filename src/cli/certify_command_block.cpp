#include "cli/certify_command_block.hpp"

#include <iostream>

#include <fmt/format.h>

#include "cert/block_certificate.hpp"
#include "cli/common.hpp"
#include "cli/flag_values.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/official_csv.hpp"
#include "report/json.hpp"
#include "tf/layout.hpp"

namespace loopcert::cli {

// --layout s,m,n,N alone: a program of that shape (m zero cells, halts as commands);
// the read and write heads do not look at the command table.
isa::SubleqProgram layout_only_program(const std::string& text) {
  isa::CsvLayout shape;
  try {
    shape = isa::parse_layout(text);
  } catch (const std::exception& e) {
    throw UsageError(std::string("--layout: ") + e.what());
  }
  if (shape.s < 1 || shape.m < 1 || shape.n < shape.s + shape.m + 1 || shape.N < 1 || shape.N > 62)
    throw UsageError("--layout " + text + ": need s >= 1, m >= 1, n >= s + m + 1 and 1 <= N <= 62");
  isa::SubleqProgram p;
  p.bits = shape.N;
  p.scratch = shape.s;
  for (int i = 0; i < shape.m; ++i) {
    std::string name = std::to_string(i);
    name.insert(name.begin(), 'c');  // not "c" + ...: GCC 12's -Wstringop-overflow false positive
    p.cell_names.push_back(std::move(name));
    p.memory.push_back(0);
  }
  for (int j = 0; j < shape.n - shape.s - shape.m; ++j) p.commands.push_back({0, 0, j, 0});
  p.source = "layout " + text;
  return p;
}

namespace {

report::Json to_json(const cert::BlockCertificate& c) {
  report::Json j;
  j["certificate"] = "block";
  j["lemma"] = c.lemma;
  j["verdict"] = cert::to_string(c.verdict);
  j["scalar"] = c.scalar;
  j["n"] = c.n, j["L"] = c.L, j["N"] = c.N, j["cells"] = c.cells;
  j["lambda"] = report::number(c.lambda), j["delta"] = report::number(c.delta);
  j["cases"] = c.cases, j["boxes"] = c.boxes;
  report::Json qs = report::Json::array();
  for (const auto& q : c.quantities)
    qs.push_back({{"name", q.name}, {"certified", report::number(q.certified)}, {"worst_cell", q.worst_cell},
                  {"paper", report::number(q.paper)}, {"paper_function", q.paper_function}, {"threshold", report::number(q.threshold)}});
  j["quantities"] = qs;
  if (!c.reason.empty()) j["reason"] = c.reason;
  j["sound_for"] = c.sound_for;
  j["seconds"] = report::number(c.seconds);
  return j;
}

void write_text(std::ostream& out, const cert::BlockCertificate& c) {
  out << fmt::format("block certificate: {} at {} (n = {}, L = {}, N = {}, {} cells), lambda {}, noise delta {:.6g}\n", c.lemma,
                     c.scalar, c.n, c.L, c.N, c.cells, c.lambda, c.delta);
  for (const auto& q : c.quantities) {
    out << fmt::format("  {}: certified {:.6g} (worst at cell {}); paper {:.6g} ({})", q.name, q.certified, q.worst_cell, q.paper,
                       q.paper_function);
    if (q.threshold > 0) out << fmt::format("; threshold {:.6g}", q.threshold);
    out << "\n";
  }
  out << fmt::format("verdict: {} ({} cases, {} boxes, {:.2f} s)\n", cert::to_string(c.verdict), c.cases, c.boxes, c.seconds);
  if (!c.reason.empty()) out << "reason: " << c.reason << "\n";
  out << "sound for: " << c.sound_for << "\n";
}

}  // namespace

int certify_block_command(const ProgramSource& source, const BlockCertifyArgs& args) {
  cert::BlockOptions options;
  options.scalar = scalar_flag(args.scalar);
  if (args.lemma != "read" && args.lemma != "write") throw UsageError("--lemma: read or write (the block certificates built so far)");
  options.delta = real_flag("--delta", args.delta);
  if (options.delta < 0) throw UsageError("--delta must not be negative");
  options.splits = args.splits;
  blocks::BlockParams params;
  if (!args.lambda.empty()) params.lambda = positive_flag("--lambda", args.lambda);
  const bool layout_only = !source.layout.empty() && source.cmds.empty() && source.mem.empty() && source.path.empty();
  const isa::SubleqProgram program = layout_only ? layout_only_program(source.layout) : load_program(source);
  if (args.lambda.empty()) params.lambda = compile::default_lambda(compile::subleq_layout(program), params);
  cert::BlockCertificate c;
  try {
    c = cert::certify_block(args.lemma, program, params, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (args.json) std::cout << to_json(c).dump(2) << "\n";
  else write_text(std::cout, c);
  return c.verdict == cert::Verdict::Certified ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
