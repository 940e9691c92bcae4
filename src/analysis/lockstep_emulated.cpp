// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<bf16>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<fp16>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<tf32>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<fp8e4m3>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<fp8e5m2>(const compile::LoopTarget&, const RunOptions&);
}  // namespace loopcert::analysis
