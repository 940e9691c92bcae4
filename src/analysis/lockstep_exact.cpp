#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<Rational>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
}  // namespace loopcert::analysis
