// mpfr:P runs on the exact emulations of MPFR: NarrowMpfr (double, P <= 52) and
// NarrowMpfrLD (long double, 53 <= P <= 63). Bit for bit MPFR, or the run reports that it
// left the emulation's range and lockstep.cpp redoes it with MPFR.
#include "analysis/lockstep_impl.hpp"
#include "core/narrow_mpfr.hpp"
#include "core/narrow_mpfr_ld.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<NarrowMpfr>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<NarrowMpfrLD>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);

RunResult run_lockstep_narrow(const isa::SubleqProgram& program, const RunOptions& options, bool& left_range) {
  NarrowPrecisionScope scope(static_cast<int>(options.scalar.precision));
  RunResult r = options.scalar.precision <= kNarrowMaxPrecision
                    ? run_lockstep_t<NarrowMpfr>(program, options, AttentionMode::Softmax)
                    : run_lockstep_t<NarrowMpfrLD>(program, options, AttentionMode::Softmax);
  left_range = NarrowPrecisionScope::left_range();
  return r;
}
}  // namespace loopcert::analysis
