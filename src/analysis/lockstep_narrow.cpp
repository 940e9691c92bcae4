// mpfr:P runs on the exact emulations of MPFR: NarrowMpfr (double, P <= 52) and
// NarrowMpfrLD (long double, 53 <= P <= 63). Bit for bit MPFR, or the run leaves the
// emulation's range and dispatch_scalar (core/scalar_dispatch.hpp) redoes it with MPFR.
#include "analysis/lockstep_impl.hpp"
#include "core/narrow_mpfr.hpp"
#include "core/narrow_mpfr_ld.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<NarrowMpfr>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<NarrowMpfrLD>(const compile::LoopTarget&, const RunOptions&);
}  // namespace loopcert::analysis
