#include "cli/run_fleq.hpp"

#include <fmt/format.h>

#include <iostream>

#include "compile/fleq/target.hpp"
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
  if (!args.lambda.empty())
    throw UsageError("--lambda: a FLEQ loop's temperatures are chosen by the compiler from .bound, n and the scalar (FLEQ.md section 4)");
  if (args.tolerance != RunArgs{}.tolerance)
    throw UsageError("--tolerance: FLEQ decodes .int cells and pc bits within 1/4 (compile/fleq/compiler.hpp); real cells use --data-tolerance");
  if (args.decompose) throw UsageError("--decompose is not available for FLEQ yet");
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

}  // namespace

bool is_fleq_source(const ProgramSource& source) {
  return source.path.size() > 3 && source.path.compare(source.path.size() - 3, 3, ".fq") == 0;
}

compile::LoopTarget fleq_loop_target(const fq::FleqProgram& program, const compile::FleqTargetOptions& options,
                                     std::shared_ptr<compile::RealErrorLog> log) {
  compile::LoopTarget target;
  try {
    target = compile::fleq_target(program, options, std::move(log));
  } catch (const std::invalid_argument& ex) {
    // The compiler's reasons name file:line already (an unsupported instruction); others get the file.
    const std::string why = ex.what();
    throw UsageError((why.rfind(program.source + ":", 0) == 0 ? why : program.source + ": " + why) + " (cannot build the FLEQ transformer)");
  }
  if (target.compiled->layout.columns() > kMaxTransformerColumns)
    throw UsageError(fmt::format("{}: the punchcard needs {} columns; transformer runs are limited to {}", program.source,
                                 target.compiled->layout.columns(), kMaxTransformerColumns));
  return target;
}

int run_fleq(const RunArgs& args, analysis::RunOptions options) {
  check_fleq_flags(args, options.scalar);
  const fq::FleqProgram program = fq::load_fq(args.source.path);
  if (args.machine_only) return run_machine_only(program, args);
  compile::FleqTargetOptions fleq;
  fleq.data_tolerance = args.data_tolerance;
  fleq.max_steps = args.max_steps;
  fleq.unit_roundoff = scalar_facts(options.scalar).unit_roundoff;
  fleq.format = options.scalar;  // constants for this format; what it cannot hold is refused (exit 2)
  auto log = std::make_shared<compile::RealErrorLog>();
  const compile::LoopTarget target = fleq_loop_target(program, fleq, log);
  options.lambda = target.predict.default_lambda;
  const analysis::RunResult r = analysis::run_lockstep(target, options);
  if (options.progress && r.loops >= 1000) std::cerr << "\r" << std::string(30, ' ') << "\r";
  const compile::fleq::FleqConstants k = compile::fleq::fleq_constants(program, target.compiled->layout, compile::fleq::compile_options_for(options.scalar));

  const report::RunContext c = report::fleq_run_context(program, target, r.lambda_value, args.trace);
  const report::FleqRunExtras extras{*log, k, args.data_tolerance};
  if (args.json) std::cout << report::fleq_run_json(r, c, extras).dump(2) << "\n";
  else std::cout << report::fleq_run_text(r, c, extras);
  return r.agree ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
