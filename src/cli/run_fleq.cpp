#include "cli/run_fleq.hpp"

#include <fmt/format.h>

#include <iostream>

#include "cli/flag_values.hpp"
#include "cli/progress.hpp"
#include "cli/run_fleq_theorem.hpp"
#include "cli/run_limits.hpp"
#include "compile/fleq/target.hpp"
#include "core/memory_limits.hpp"
#include "core/scalar_facts.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/machine.hpp"
#include "isa/fleq/summary.hpp"
#include "report/fleq_run_report.hpp"

namespace loopcert::cli {

namespace {

namespace fq = isa::fleq;

// The flags of `run` that have no meaning for a FLEQ program, refused with the reason.
void check_fleq_flags(const RunArgs& args, const ScalarSpec& scalar) {
  if (!args.source.cmds.empty() || !args.source.mem.empty() || !args.source.layout.empty())
    throw UsageError("--cmds/--mem/--layout are SUBLEQ's official CSV format; a .fq program is given alone");
  if (args.tolerance != RunArgs{}.tolerance)
    throw UsageError("--tolerance: FLEQ decodes .int cells and pc bits within 1/4 (compile/fleq/compiler.hpp); real cells use --data-tolerance");
  if (args.decompose && args.machine_only) throw UsageError("--decompose compares the transformer with the machines; --machine-only runs no transformer");
  if (scalar.kind == ScalarKind::Exact && !args.machine_only)
    throw UsageError("--scalar exact: FLEQ's sigmoid and exp are irrational, so the loop has no exact-rational run (and the compiler refuses functions)");
}

int run_machine_only(const fq::FleqProgram& program, const RunArgs& args) {
  const fq::MachineOptions machine;
  const fq::RunResult run = fq::run_fleq_machine(program, args.max_steps, machine);
  if (args.json) std::cout << report::fleq_machine_json(program, run).dump(2) << "\n";
  else std::cout << fq::run_summary(program, run, machine);
  return run.error ? kCheckFailed : kSuccess;
}

// `flags`: the --lambda / --product-c that set `overrides`, named in a refusal.
compile::fleq::CompiledFleq compile_program(const fq::FleqProgram& program, const compile::FleqTargetOptions& options,
                                            const compile::fleq::ConstantOverrides& overrides = {}, const std::string& flags = "") {
  compile::fleq::CompileOptions c;
  c.unit_roundoff = options.unit_roundoff;
  c.function_terms = options.function_terms;
  c.format = options.format;
  c.overrides = overrides;
  try {
    return compile::fleq::compile_fleq(program, c);
  } catch (const std::invalid_argument& ex) {
    // The compiler's reasons name file:line already (an unsupported instruction); others get the file.
    const std::string why = ex.what();
    throw UsageError((why.rfind(program.source + ":", 0) == 0 ? why : program.source + ": " + why) + " (cannot build the FLEQ transformer" +
                     (flags.empty() ? "" : " with " + flags) + ")");
  }
}

// --product-c and --lambda as the compiler's overrides (the loop theorem judges them), and
// as the text a refusal names them by.
std::pair<compile::fleq::ConstantOverrides, std::string> overrides_of(const RunArgs& args, const Rational& lambda) {
  compile::fleq::ConstantOverrides o;
  std::string flags;
  if (!args.lambda.empty()) o.lambda = lambda, flags = "--lambda " + args.lambda;
  if (!args.product_c.empty()) o.product_c_log2 = fleq_product_c_log2(args.product_c), flags += (flags.empty() ? "" : " ") + ("--product-c " + args.product_c);
  return {o, flags};
}

void check_columns(const fq::FleqProgram& program, const compile::LoopTarget& target) {
  if (target.compiled->layout.columns() > kMaxTransformerColumns)
    throw UsageError(fmt::format("{}: the punchcard needs {} columns; transformer runs are limited to {}", program.source,
                                 target.compiled->layout.columns(), kMaxTransformerColumns));
}

// The exact machines beside the transformer: the reference, the state the loop theorem
// steps from and its step, the block-exact machine (--decompose); every entry at most
// MachineOptions::exact_bits_limit bits in numerator and denominator before the size
// guard rounds it. Per JSON trace row, about 200 bytes.
double machine_bytes(const fq::FleqProgram& program, bool decompose, std::int64_t json_rows) {
  double entries = 0;
  for (const auto& cell : program.cells) entries += static_cast<double>(cell.shape.size());
  const double entry = 2.0 * fq::MachineOptions{}.exact_bits_limit / 8 + 64;
  return entries * entry * (decompose ? 5 : 4) + 200.0 * static_cast<double>(json_rows);
}

// core/memory_limits: the transformer at the scalar plus the machines, before any work.
void check_memory(const fq::FleqProgram& program, const compile::LoopTarget& target, const RunArgs& args, const ScalarSpec& scalar) {
  const RunMemory m = estimate_run_memory(*target.compiled, scalar);
  const double machines = machine_bytes(program, args.decompose, args.trace && args.json ? args.max_steps : 0);
  const double limit = static_cast<double>(run_memory_limit_bytes());
  if (m.bytes + machines <= limit) return;
  throw UsageError(fmt::format("{}: a FLEQ run at {} needs about {} of memory (the transformer {} on {} columns, the exact machines{} {}); "
                               "the limit is {} (half of this machine's memory). Use a lower precision{}.",
                               program.source, scalar.name(), bytes_text(m.bytes + machines), bytes_text(m.bytes),
                               target.compiled->layout.columns(), args.trace && args.json ? " and the JSON trace" : "", bytes_text(machines),
                               bytes_text(limit), args.trace && args.json ? ", a smaller --max-steps or the text trace (it streams)" : ""));
}

}  // namespace

int fleq_product_c_log2(const std::string& text) {
  return power_of_two_flag("--product-c", text, "the product heads hold 1/C and C/2 exactly only for C = 2^c");
}

bool is_fleq_source(const ProgramSource& source) {
  return source.path.size() > 3 && source.path.compare(source.path.size() - 3, 3, ".fq") == 0;
}

compile::LoopTarget fleq_loop_target(const fq::FleqProgram& program, const compile::FleqTargetOptions& options,
                                     std::shared_ptr<compile::RealErrorLog> log) {
  auto compiled = std::make_shared<const compile::fleq::CompiledFleq>(compile_program(program, options));
  compile::LoopTarget target = compile::fleq_target(program, std::move(compiled), options, std::move(log));
  check_columns(program, target);
  return target;
}

compile::FleqTargetOptions fleq_options_at(compile::FleqTargetOptions base, const ScalarSpec& scalar) {
  base.unit_roundoff = scalar_facts(scalar).unit_roundoff;
  base.format = scalar;  // constants for this format; what it cannot hold is refused (exit 2)
  return base;
}

int run_fleq(const RunArgs& args, analysis::RunOptions options) {
  check_fleq_flags(args, options.scalar);
  const fq::FleqProgram program = fq::load_fq(args.source.path);
  if (args.machine_only) return run_machine_only(program, args);
  compile::FleqTargetOptions fleq;
  fleq.data_tolerance = args.data_tolerance;
  fleq.max_steps = args.max_steps;
  fleq = fleq_options_at(fleq, options.scalar);
  fleq.decompose = args.decompose;
  fleq.keep_rows = args.trace && args.json;
  const auto [overrides, flags] = overrides_of(args, options.lambda);
  auto compiled = std::make_shared<const compile::fleq::CompiledFleq>(compile_program(program, fleq, overrides, flags));
  auto log = std::make_shared<compile::RealErrorLog>();
  const compile::LoopTarget target = compile::fleq_target(program, compiled, fleq, log);
  check_columns(program, target);
  check_memory(program, target, args, options.scalar);
  report::FleqTheorem theorem = fleq_theorem(program, *compiled, options.scalar);
  options.lambda = target.predict.default_lambda;
  options.decompose = false;  // FLEQ's decomposition is the block-exact machine's (FleqTargetOptions::decompose)

  // The text trace streams (as SUBLEQ's, issue 16): a row is printed as its loop ends,
  // with what the adapter measured in that loop (RealErrorLog::last).
  bool streamed = false;
  if (args.trace && !args.json)
    options.on_trace = [&](const analysis::TraceRow& row, const std::vector<std::string>&) {
      if (!streamed) std::cout << report::fleq_trace_header_text(target.trace_header, args.decompose);
      streamed = true;
      std::cout << report::fleq_trace_row_text(row, log->last, theorem, args.decompose) << std::flush;
    };
  Progress progress(fmt::format("run {}: at most {} steps (--max-steps) at {}, {} rows x {} columns", program.source, args.max_steps,
                                options.scalar.name(), target.compiled->layout.rows(), target.compiled->layout.columns()),
                    "steps", args.max_steps);
  options.progress = [&progress](std::int64_t loops, std::int64_t) { progress.tick(loops); };
  const analysis::RunResult r = analysis::run_lockstep(target, options);
  progress.finish();
  if (streamed) std::cout << "\n";
  fleq_verdict(theorem, program, *log, r);

  report::RunContext c = report::fleq_run_context(program, target, theorem, args.trace && args.json);
  c.lambda_default = !overrides.lambda;
  const report::FleqRunExtras extras{*log, compiled->constants, args.data_tolerance, &theorem};
  if (args.json) std::cout << report::fleq_run_json(r, c, extras).dump(2) << "\n";
  else std::cout << report::fleq_run_text(r, c, extras);
  return r.agree ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
