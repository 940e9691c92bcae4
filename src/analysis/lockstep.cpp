#include "analysis/lockstep.hpp"

#include <stdexcept>

#include "core/mpfr_real.hpp"
#include "isa/machine.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

template <class T>
RunResult run_lockstep_t(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<float>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<double>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<long double>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<MpfrReal>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<Rational>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);

RunResult run_lockstep(const isa::SubleqProgram& program, const RunOptions& options) {
  switch (options.scalar.kind) {
    case ScalarKind::Float: return run_lockstep_t<float>(program, options, AttentionMode::Softmax);
    case ScalarKind::Double: return run_lockstep_t<double>(program, options, AttentionMode::Softmax);
    case ScalarKind::LongDouble: return run_lockstep_t<long double>(program, options, AttentionMode::Softmax);
    case ScalarKind::Mpfr: {
      MpfrPrecisionScope scope(options.scalar.precision);
      return run_lockstep_t<MpfrReal>(program, options, AttentionMode::Softmax);
    }
    case ScalarKind::Exact: return run_lockstep_t<Rational>(program, options, AttentionMode::Hardmax);
    default:
      throw std::invalid_argument("scalar '" + options.scalar.name() + "' is not available for runs yet");
  }
}

RunResult run_machine_only(const isa::SubleqProgram& program, std::int64_t max_steps) {
  isa::Trace trace = isa::run_machine(program, max_steps, false);
  RunResult result;
  result.scalar = "machine";
  result.steps = trace.steps;
  result.halted = trace.halted;
  result.memory = trace.states.back().memory;
  return result;
}

}  // namespace loopcert::analysis
