#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<float>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<double>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<long double>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
}  // namespace loopcert::analysis
