#include <boost/multiprecision/eigen.hpp>

#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<Float128>(const compile::LoopTarget&, const RunOptions&);
}  // namespace loopcert::analysis
