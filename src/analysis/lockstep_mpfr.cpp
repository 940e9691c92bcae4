#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<MpfrReal>(const compile::LoopTarget&, const RunOptions&);
}  // namespace loopcert::analysis
