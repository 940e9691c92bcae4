// `loopcert run`: check the flags, load the program (a .fq program goes to run_fleq.cpp), compile it to a target, run the
// lockstep driver, write the report (report/run_report.hpp). No CLI11 here: the flags
// are registered in run_flags.cpp.
#include "cli/run_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <variant>

#include "analysis/certificate.hpp"
#include "analysis/lockstep.hpp"
#include "cli/flag_values.hpp"
#include "cli/program_source.hpp"
#include "cli/progress.hpp"
#include "cli/run_limits.hpp"
#include "cli/run_fleq.hpp"
#include "compile/subleq/target.hpp"
#include "core/input_error.hpp"
#include "core/rational.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"
#include "isa/subleq/machine.hpp"
#include "report/run_report.hpp"

namespace loopcert::cli {

namespace {


// Flags first, then files: every flag is checked before a program is read.
analysis::RunOptions check_flags(const RunArgs& args) {
  if (args.max_steps < 0) throw UsageError("--max-steps must be >= 0");
  if (args.threads < 1) throw UsageError("--threads must be >= 1");
  if (!(args.tolerance > 0 && args.tolerance < 1)) throw UsageError("--tolerance must lie in (0, 1)");
  if (!(args.data_tolerance > 0 && args.data_tolerance < 1)) throw UsageError("--data-tolerance must lie in (0, 1)");
  analysis::RunOptions options;
  options.scalar = scalar_flag(args.scalar);
  if (!scalar_facts(options.scalar).runnable) throw UsageError("--scalar: " + scalar_facts(options.scalar).not_runnable);
  if (!args.lambda.empty()) options.lambda = positive_flag("--lambda", args.lambda);
  if (!args.product_c.empty()) fleq_product_c_log2(args.product_c);
  options.max_steps = args.max_steps;
  options.threads = args.threads;
  options.trace = args.trace;
  options.tolerance = args.tolerance;
  options.decompose = args.decompose;
  if (args.trace && args.json && args.max_steps > kMaxJsonTraceSteps)
    throw UsageError(fmt::format("--trace with --json holds every loop's row for the one JSON array: at most --max-steps {} (got {}); "
                                 "the text trace streams at any --max-steps",
                                 kMaxJsonTraceSteps, args.max_steps));
  // Progress on stderr, also with --json (stdout is the result).
  options.progress = [](std::int64_t loops, std::int64_t) { std::cerr << "\r  ... " << loops << " loops" << std::flush; };
  return options;
}

// isa::run_machine's loop (the same step and halt), with progress for a long run.
isa::Trace run_machine_with_progress(const isa::SubleqProgram& program, std::int64_t max_steps) {
  Progress progress(fmt::format("run --machine-only {}: at most {} steps (--max-steps)", program.source, max_steps), "steps", max_steps);
  isa::Trace trace;
  isa::MachineState state = isa::initial_state(program);
  while (!state.halted && trace.steps < max_steps) {
    state = isa::step(program, state);
    if (++trace.steps % 4096 == 0) progress.tick(trace.steps);
  }
  trace.halted = state.halted;
  trace.states.push_back(std::move(state));
  return trace;
}

int run_machine(const isa::SubleqProgram& program, const RunArgs& args) {
  const isa::Trace trace = run_machine_with_progress(program, args.max_steps);
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
  if (is_fleq_source(args.source)) return run_fleq(args, std::move(options));
  if (!args.product_c.empty()) throw UsageError("--product-c: the constant of FLEQ's product heads; a SUBLEQ program has none");
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
  check_run_memory(*target.compiled, options.scalar, program.source);
  if (args.decompose) check_run_memory(*target.compiled, ScalarSpec{ScalarKind::Mpfr, 256}, program.source + " (--decompose)");
  if (args.lambda.empty()) options.lambda = target.predict.default_lambda;
  // The text trace streams (issue 16, item 2): a row is printed as its loop ends, never
  // held, so memory stays bounded at any --max-steps. The JSON trace is one array.
  std::vector<std::string> streamed_layers;
  bool streamed = false;
  if (args.trace && !args.json)
    options.on_trace = [&](const analysis::TraceRow& row, const std::vector<std::string>& layers) {
      if (!streamed) {
        std::cout << report::trace_header_text(target.trace_header, layers);
        streamed_layers = layers;
        streamed = true;
      }
      std::cout << report::trace_row_text(row);
    };
  Progress progress(fmt::format("run {}: at most {} steps (--max-steps) at {}, {} rows x {} columns", program.source, args.max_steps,
                                options.scalar.name(), target.compiled->layout.rows(), target.compiled->layout.columns()),
                    "steps", args.max_steps);
  options.progress = [&progress](std::int64_t loops, std::int64_t) { progress.tick(loops); };
  const analysis::RunResult r = analysis::run_lockstep(target, options);
  progress.finish();
  if (streamed) std::cout << report::trace_footer_text(streamed_layers);

  report::RunContext c;
  c.program = program.source;
  c.description = fmt::format("N = {} bits, s = {}, m = {}, {} commands, n = {} columns", program.bits, program.scratch, program.cells(),
                              program.command_count(), target.compiled->layout.columns());
  c.bits = program.bits;
  c.lambda_default = args.lambda.empty();
  c.lambda_default_text = "smallest on a 0.5 grid where the read and write bounds stay below half their thresholds";
  c.tolerance = args.tolerance;
  c.trace = args.trace && args.json;  // the text trace was streamed above
  c.trace_header = target.trace_header;
  c.layout = &target.compiled->layout;
  c.bounds = target.predict.summary(r.lambda_value);
  c.certificate = analysis::certify_run(target.predict, options.scalar, options.lambda);
  if (args.json) std::cout << report::run_json(r, c).dump(2) << "\n";
  else std::cout << report::run_text(r, c);
  return r.agree ? kSuccess : kCheckFailed;
}

}  // namespace

int run_command(const RunArgs& args) { return run(args); }

}  // namespace loopcert::cli
