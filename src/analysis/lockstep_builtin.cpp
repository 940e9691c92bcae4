#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<float>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<double>(const compile::LoopTarget&, const RunOptions&);
template RunResult run_lockstep_t<long double>(const compile::LoopTarget&, const RunOptions&);
}  // namespace loopcert::analysis
