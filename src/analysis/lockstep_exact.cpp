#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<Rational>(const compile::LoopTarget&, const RunOptions&);  // hardmax attention
}  // namespace loopcert::analysis
