// The one scalar switch of a lockstep run (dispatch_scalar, with its narrow-MPFR
// fallback); the runs themselves are compiled once per scalar family (lockstep_*.cpp).
#include "analysis/lockstep.hpp"

#include "core/scalar_dispatch.hpp"

namespace loopcert::analysis {

#define LOOPCERT_EXTERN_LOCKSTEP(T) extern template RunResult run_lockstep_t<T>(const compile::LoopTarget&, const RunOptions&);
LOOPCERT_EXTERN_LOCKSTEP(float)
LOOPCERT_EXTERN_LOCKSTEP(double)
LOOPCERT_EXTERN_LOCKSTEP(long double)
LOOPCERT_EXTERN_LOCKSTEP(Float128)
LOOPCERT_EXTERN_LOCKSTEP(bf16)
LOOPCERT_EXTERN_LOCKSTEP(fp16)
LOOPCERT_EXTERN_LOCKSTEP(tf32)
LOOPCERT_EXTERN_LOCKSTEP(fp8e4m3)
LOOPCERT_EXTERN_LOCKSTEP(fp8e5m2)
LOOPCERT_EXTERN_LOCKSTEP(NarrowMpfr)
LOOPCERT_EXTERN_LOCKSTEP(NarrowMpfrLD)
LOOPCERT_EXTERN_LOCKSTEP(MpfrReal)
LOOPCERT_EXTERN_LOCKSTEP(Rational)
#undef LOOPCERT_EXTERN_LOCKSTEP

RunResult run_lockstep(const compile::LoopTarget& target, const RunOptions& options) {
  std::string engine;
  RunResult r = dispatch_scalar(
      options.scalar, [&]<class T>(ScalarTag<T>) { return run_lockstep_t<T>(target, options); },
      DispatchOptions{options.fast_mpfr, &engine});
  r.engine = engine;
  return r;
}

}  // namespace loopcert::analysis
