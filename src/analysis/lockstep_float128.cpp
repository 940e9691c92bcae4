#include <boost/multiprecision/eigen.hpp>

#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<Float128>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);

RunResult run_lockstep_float128(const isa::SubleqProgram& program, const RunOptions& options) {
  return run_lockstep_t<Float128>(program, options, AttentionMode::Softmax);
}
}  // namespace loopcert::analysis
