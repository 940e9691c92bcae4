// The FLEQ loop theorem (proofs/fleq_loop.md, bounds/fleq_loop.hpp) for one `loopcert run
// P.fq`: its constants read off the compiled program at the run's scalar (its unit
// roundoff, underflow and largest value), every function fit's certified error E_w
// (cert::certify on the widened range), each instruction's bound, the controller's
// conditions; after the run, the verdict against what the adapter observed
// (compile::RealErrorLog::own).
#pragma once
#include <string>

#include "analysis/lockstep.hpp"
#include "compile/fleq/compiler.hpp"
#include "compile/fleq/target.hpp"
#include "core/scalar_name.hpp"
#include "isa/fleq/program.hpp"
#include "report/fleq_run_report.hpp"

namespace loopcert::cli {

// Before the run: everything but the verdict.
report::FleqTheorem fleq_theorem(const isa::fleq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled, const ScalarSpec& scalar);

// After the run: certified when the theorem's conditions hold at this scalar's rounding
// (the controller's, every executed instruction's bound finite, (H5) implied by the
// declarations, (H2) held at every loop) and the run stayed in the machine's domain;
// also when it is not, the observed / bound ratios (a ratio above 1 is a violation).
void fleq_verdict(report::FleqTheorem& theorem, const isa::fleq::FleqProgram& program, const compile::RealErrorLog& log,
                  const analysis::RunResult& run);

}  // namespace loopcert::cli
