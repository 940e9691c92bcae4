#include "analysis/lockstep.hpp"

#include <stdexcept>

#include "core/mpfr_real.hpp"
#include "isa/subleq/machine.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

template <class T>
RunResult run_lockstep_t(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<float>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<double>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<long double>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<MpfrReal>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);
extern template RunResult run_lockstep_t<Rational>(const isa::SubleqProgram&, const RunOptions&, AttentionMode);

// One per scalar family, each in its own translation unit (lockstep_<family>.cpp).
RunResult run_lockstep_float128(const isa::SubleqProgram&, const RunOptions&);
RunResult run_lockstep_emulated(const isa::SubleqProgram&, const RunOptions&);
// mpfr:P, P <= 63, emulated exactly in double (P <= 52) or long double (53..63);
// `left_range` when the run must be redone with MPFR.
RunResult run_lockstep_narrow(const isa::SubleqProgram&, const RunOptions&, bool& left_range);

RunResult run_lockstep(const isa::SubleqProgram& program, const RunOptions& options) {
  RunResult r;
  switch (options.scalar.kind) {
    case ScalarKind::Float: r = run_lockstep_t<float>(program, options, AttentionMode::Softmax); break;
    case ScalarKind::Double: r = run_lockstep_t<double>(program, options, AttentionMode::Softmax); break;
    case ScalarKind::LongDouble: r = run_lockstep_t<long double>(program, options, AttentionMode::Softmax); break;
    case ScalarKind::Float128: r = run_lockstep_float128(program, options); break;
    case ScalarKind::Bf16:
    case ScalarKind::Fp16:
    case ScalarKind::Tf32:
    case ScalarKind::Fp8e4m3:
    case ScalarKind::Fp8e5m2: r = run_lockstep_emulated(program, options); break;
    case ScalarKind::Mpfr: {
      if (options.fast_mpfr && options.scalar.precision <= 63) {
        bool left_range = false;
        r = run_lockstep_narrow(program, options, left_range);
        if (!left_range) {
          r.engine = options.scalar.precision <= 52 ? "mpfr (emulated exactly in double)" : "mpfr (emulated exactly in long double)";
          return r;
        }
      }
      MpfrPrecisionScope scope(options.scalar.precision);
      r = run_lockstep_t<MpfrReal>(program, options, AttentionMode::Softmax);
      r.engine = "mpfr";
      return r;
    }
    case ScalarKind::Exact: r = run_lockstep_t<Rational>(program, options, AttentionMode::Hardmax); break;
    default:
      throw std::invalid_argument("scalar '" + options.scalar.name() + "' is not available for runs (mpfi:P is for certificates)");
  }
  if (r.engine.empty()) r.engine = options.scalar.name();
  return r;
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
