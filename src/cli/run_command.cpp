#include "cli/run_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <variant>

#include "analysis/certificate.hpp"
#include "analysis/lockstep.hpp"
#include "cli/program_source.hpp"
#include "cli/search_command.hpp"
#include "compile/subleq/target.hpp"
#include "core/input_error.hpp"
#include "core/rational.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"
#include "isa/subleq/machine.hpp"
#include "report/run_report.hpp"

namespace loopcert::cli {

namespace {

struct RunArgs {
  ProgramSource source;
  std::string scalar = "double";
  std::string lambda;  // empty: the target's default
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  bool trace = false, json = false, machine_only = false, decompose = false;
};

// Flags first, then files: every flag is checked before a program is read.
analysis::RunOptions check_flags(const RunArgs& args) {
  if (args.max_steps < 0) throw UsageError("--max-steps must be >= 0");
  if (!(args.tolerance > 0 && args.tolerance < 1)) throw UsageError("--tolerance must lie in (0, 1)");
  analysis::RunOptions options;
  try {
    options.scalar = parse_scalar(args.scalar);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
  if (!scalar_facts(options.scalar).runnable) throw UsageError("--scalar: " + scalar_facts(options.scalar).not_runnable);
  if (!args.lambda.empty()) options.lambda = parse_positive("--lambda", args.lambda);
  options.max_steps = args.max_steps;
  options.trace = args.trace;
  options.tolerance = args.tolerance;
  options.decompose = args.decompose;
  if (!args.json)
    options.progress = [](std::int64_t loops, std::int64_t) { std::cerr << "\r  ... " << loops << " loops" << std::flush; };
  return options;
}

int run_machine(const isa::SubleqProgram& program, const RunArgs& args) {
  const isa::Trace trace = isa::run_machine(program, args.max_steps, false);
  const auto cells = compile::subleq_cells(program, trace.states.back().memory);
  if (args.json) {
    nlohmann::json j{{"program", program.source}, {"scalar", nullptr}, {"steps", trace.steps}, {"halted", trace.halted},
                     {"memory", report::memory_json(cells, false)}};
    const nlohmann::json hidden = report::memory_json(cells, true);
    if (!hidden.empty()) j["hidden_memory"] = hidden;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("{}: reference machine, {} steps, {}\n", program.source, trace.steps,
                             trace.halted ? "halted" : "did not halt within --max-steps");
    for (const auto& cell : cells) std::cout << fmt::format("  {} = {}\n", cell.name, std::get<std::int64_t>(cell.value));
  }
  return kSuccess;
}

int run(const RunArgs& args) {
  analysis::RunOptions options = check_flags(args);
  const isa::SubleqProgram program = load_program(args.source);
  if (args.machine_only) return run_machine(program, args);
  check_transformer_size(program);
  const blocks::BlockParams params;
  compile::LoopTarget target;
  try {
    target = compile::subleq_target(program, params);
  } catch (const std::invalid_argument& ex) {
    throw UsageError(program.source + ": cannot build the transformer: " + ex.what());
  }
  if (args.lambda.empty()) options.lambda = target.predict.default_lambda;
  const analysis::RunResult r = analysis::run_lockstep(target, options);
  if (options.progress && r.loops >= 1000) std::cerr << "\r" << std::string(30, ' ') << "\r";

  report::RunContext c;
  c.program = program.source;
  c.description = fmt::format("N = {} bits, s = {}, m = {}, {} commands, n = {} columns", program.bits, program.scratch, program.cells(),
                              program.command_count(), target.compiled->layout.columns());
  c.bits = program.bits;
  c.lambda_default = args.lambda.empty();
  c.lambda_default_text = "smallest on a 0.5 grid where the read and write bounds stay below half their thresholds";
  c.tolerance = args.tolerance;
  c.trace = args.trace;
  c.trace_header = target.trace_header;
  c.layout = &target.compiled->layout;
  c.bounds = target.predict.summary(r.lambda_value);
  c.certificate = analysis::certify_run(target.predict, options.scalar, options.lambda);
  if (args.json) std::cout << report::run_json(r, c).dump(2) << "\n";
  else std::cout << report::run_text(r, c);
  return r.agree ? kSuccess : kCheckFailed;
}

}  // namespace

void add_run_command(CLI::App& app, Handler& handler) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run_cmd = app.add_subcommand("run", "Run a SUBLEQ program on the looped transformer in lockstep with the exact machine");
  run_cmd->add_option("PROGRAM", args->source.path, "program in .sq assembly");
  run_cmd->add_option("--cmds", args->source.cmds, "official CSV commands file (header a,b,c)");
  run_cmd->add_option("--mem", args->source.mem, "official CSV memory file (header mem)");
  run_cmd->add_option("--layout", args->source.layout, "official CSV layout s,m,n,N");
  run_cmd->add_option("--scalar", args->scalar, "scalar type: " + scalar_names_help() + " (exact: rationals, hardmax)")->capture_default_str();
  run_cmd->add_option("--lambda", args->lambda,
                      "softmax temperature, exact decimal or fraction (default: the smallest on a 0.5 grid that the bounds certify)");
  run_cmd->add_option("--max-steps", args->max_steps, "stop after this many reference steps")->capture_default_str();
  run_cmd->add_option("--tolerance", args->tolerance, "decode tolerance: an entry is a bit only within this of +-1")->capture_default_str();
  run_cmd->add_flag("--trace", args->trace, "print every loop: pc, the command, the new value and the drift");
  run_cmd->add_flag("--json", args->json, "print one JSON object on stdout");
  run_cmd->add_flag("--decompose", args->decompose,
                    "split the error into a temperature part (mpfr:256 vs the exact machine) and a rounding part (the scalar vs mpfr:256)");
  run_cmd->add_flag("--machine-only", args->machine_only, "run the exact reference machine only");
  run_cmd->callback([&handler, args] { handler = [args] { return run(*args); }; });
}

}  // namespace loopcert::cli
