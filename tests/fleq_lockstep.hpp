// The FLEQ lockstep the transformer tests share: the compiled loop stepped one loop per
// instruction beside the exact FLEQ machine (ideal or block-exact table), decoded after
// every loop; pc and every .int cell must equal the machine's, the real cells are
// measured at the end (|x - x*| / max(1, |x*|), read exactly off the punchcard).
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "compile/fleq/compiler.hpp"
#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"
#include "isa/fleq/machine.hpp"
#include "tf/transformer.hpp"

namespace loopcert::test_fleq {

namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

inline const std::string kExamples = std::string(LOOPCERT_SOURCE_DIR) + "/examples/fleq/";
inline constexpr double kTolerance = 1e-6;

struct Lockstep {
  std::int64_t loops = 0;
  bool agree = true;           // pc and every .int cell at every loop, reals at the end
  bool controller_agree = true;  // pc and every .int cell at every loop
  bool halted = false;         // the machine halted and the transformer sat at its halt
  std::string divergence;      // the first disagreement, as a sentence
  double max_real_error = 0;   // at the end, relative to max(1, |x*|)
};

inline std::string describe(const fq::FleqProgram& p, std::int64_t loop, const std::string& what) {
  return p.source + ": loop " + std::to_string(loop) + ": " + what;
}

// Compares the decoded punchcard with the machine's state after `loop` loops.
inline bool compare(const fq::FleqProgram& p, const cf::DecodedFleq& got, const fq::MachineState& want, std::int64_t loop, Lockstep& out) {
  if (got.invalid) {
    out.divergence = describe(p, loop, "invalid entry " + got.invalid->where + " = " + std::to_string(got.invalid->value));
    return false;
  }
  if (got.pc != want.pc) {
    out.divergence = describe(p, loop, "pc " + std::to_string(got.pc) + ", machine " + std::to_string(want.pc));
    return false;
  }
  for (int c = 0; c < p.cell_count(); ++c) {
    if (p.cells[c].kind != fq::CellKind::integer) continue;
    const Rational& expect = want.cells[c].entries[0];
    if (Rational(*got.cells[c].integer) != expect) {
      out.divergence = describe(p, loop, "cell '" + p.cells[c].name + "' = " + std::to_string(*got.cells[c].integer) + ", machine " + to_string(expect));
      return false;
    }
  }
  return true;
}

// The exact value of an engine scalar, so real errors at mpfr:128 are not floored by a
// conversion to double.
inline Rational exact_value(double x) { return Rational(x); }
inline Rational exact_value(const MpfrReal& x) { return exact_rational(x.raw()); }

// max over real entries of |x - x*| / max(1, |x*|), read from the punchcard exactly.
template <class T>
double final_real_error(const fq::FleqProgram& p, const cf::CompiledFleq& compiled, const Matrix<T>& X, const fq::MachineState& want) {
  double worst = 0;
  for (int c = 0; c < p.cell_count(); ++c) {
    const fq::Cell& cell = p.cells[c];
    if (cell.kind != fq::CellKind::real) continue;
    for (int r = 0; r < cell.shape.rows; ++r)
      for (int t = 0; t < cell.shape.cols; ++t) {
        const Rational& x = want.cells[c].at(r, t);
        const Rational err = abs(exact_value(X(compiled.layout.row("val", r), compiled.geometry.cell_column(c, t))) - x);
        worst = std::max(worst, to_double(err) / std::max(1.0, std::abs(to_double(x))));
      }
  }
  return worst;
}

template <class T>
Matrix<double> as_double(const Matrix<T>& X) {
  Matrix<double> D(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) D(i, j) = static_cast<double>(X(i, j));
  return D;
}

// Steps the transformer one loop per machine step, plus one loop past the halt (a fixed point).
// `machine`: the reference's options (its table: ideal or block-exact); `max_steps`: the
// reference must halt within it, unless `allow_cut` (then the run is compared where the
// machine stopped, and `halted` says whether it halted).
template <class T>
Lockstep run_lockstep(const fq::FleqProgram& p, const cf::CompiledFleq& compiled, std::int64_t max_steps = 20000,
                      const fq::MachineOptions& machine = {}, bool allow_cut = false, double tolerance = kTolerance) {
  const fq::RunResult ref = fq::run_fleq_machine(p, max_steps, machine, true);
  REQUIRE(!ref.error);
  if (!allow_cut) REQUIRE(ref.halted);
  LoopedTransformer<T> tf = instantiate<T>(compiled.loop, AttentionMode::Softmax);
  Matrix<T> X = to_scalar<T>(compiled.X0);
  Lockstep out;
  cf::DecodedFleq got = cf::decode(compiled.layout, p, as_double(X));
  if (!compare(p, got, ref.states[0], 0, out)) return out.agree = out.controller_agree = false, out;
  const std::int64_t loops = ref.halted ? ref.steps + 1 : ref.steps;
  for (std::int64_t t = 1; t <= loops; ++t) {
    tf.apply_loop(X);
    ++out.loops;
    got = cf::decode(compiled.layout, p, as_double(X));
    const fq::MachineState& want = ref.states[static_cast<std::size_t>(std::min(t, ref.steps))];
    if (!compare(p, got, want, t, out)) return out.agree = out.controller_agree = false, out;
  }
  out.max_real_error = final_real_error(p, compiled, X, ref.final_state());
  out.agree = out.max_real_error <= tolerance;
  if (!out.agree) out.divergence = describe(p, out.loops, "real error " + std::to_string(out.max_real_error));
  out.halted = ref.halted;
  return out;
}

inline double unit_roundoff(const std::string& scalar) { return scalar == "double" ? 0x1p-53 : 0x1p-128; }

inline Lockstep run_at(const fq::FleqProgram& p, const std::string& scalar) {
  if (scalar == "double") return run_lockstep<double>(p, cf::compile_fleq(p, {unit_roundoff(scalar)}));
  MpfrPrecisionScope scope(128);
  return run_lockstep<MpfrReal>(p, cf::compile_fleq(p, {unit_roundoff(scalar)}));
}

}  // namespace loopcert::test_fleq
