// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/lockstep_impl.hpp"

namespace loopcert::analysis {
template RunResult run_lockstep_t<bf16>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<fp16>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<tf32>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<fp8e4m3>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
template RunResult run_lockstep_t<fp8e5m2>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);

RunResult run_lockstep_emulated(const isa::SubleqProgram& program, const RunOptions& options) {
  const AttentionMode mode = AttentionMode::Softmax;
  switch (options.scalar.kind) {
    case ScalarKind::Bf16: return run_lockstep_t<bf16>(program, options, mode);
    case ScalarKind::Fp16: return run_lockstep_t<fp16>(program, options, mode);
    case ScalarKind::Tf32: return run_lockstep_t<tf32>(program, options, mode);
    case ScalarKind::Fp8e4m3: return run_lockstep_t<fp8e4m3>(program, options, mode);
    case ScalarKind::Fp8e5m2: return run_lockstep_t<fp8e5m2>(program, options, mode);
    default: throw std::invalid_argument("scalar '" + options.scalar.name() + "' is not an emulated format");
  }
}
}  // namespace loopcert::analysis
