// What the FLEQ block properties share: run one layer of a block on an exact punchcard
// with the engine at float, double, mpfr:P (softmax) or exact (hardmax), and read
// the result back exactly (every value a scalar holds is a rational), so errors are
// measured against exact rationals without a further rounding.
#pragma once
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"
#include "core/rational.hpp"
#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"
#include "tf/transformer.hpp"

namespace loopcert::properties::fleq {

// k / 2^s with |k| <= max_abs and 0 <= s <= max_shift.
inline rc::Gen<Rational> dyadic(int max_abs, int max_shift) {
  return rc::gen::map(rc::gen::pair(rc::gen::inRange(-max_abs, max_abs + 1), rc::gen::inRange(0, max_shift + 1)),
                      [](std::pair<int, int> p) { return Rational(p.first) * pow2(-p.second); });
}
// An entry of [-G, G] for an integer G: G * m / 2^20 for a random |m| <= 2^20.
inline Rational entry_within(int G) { return Rational(G) * Rational(*rc::gen::inRange(-(1 << 20), (1 << 20) + 1), 1 << 20); }

// The exact value of a double or MPFR number.
inline Rational exact_value(double x) { return Rational(x); }
inline Rational exact_value(float x) { return Rational(static_cast<double>(x)); }
inline Rational exact_value(const MpfrReal& x) { return exact_rational(x.raw()); }
inline Rational exact_value(const Rational& x) { return x; }

// The engine's output of one layer on X0, as exact rationals. scalar: "float", "double", "mpfr:P" or "exact".
template <class T>
Matrix<Rational> run_layer_as(const LayerSpec& layer, const Matrix<Rational>& X0, AttentionMode mode) {
  LoopSpec spec;
  spec.d = layer.d;
  spec.layers = {layer};
  LoopedTransformer<T> tf = instantiate<T>(spec, mode);
  Matrix<T> X = to_scalar<T>(X0);
  tf.apply_layer(0, X);
  Matrix<Rational> out(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) out(i, j) = exact_value(X(i, j));
  return out;
}

inline Matrix<Rational> run_layer(const LayerSpec& layer, const Matrix<Rational>& X0, const std::string& scalar) {
  if (scalar == "double") return run_layer_as<double>(layer, X0, AttentionMode::Softmax);
  if (scalar == "float") return run_layer_as<float>(layer, X0, AttentionMode::Softmax);
  if (scalar == "exact") return run_layer_as<Rational>(layer, X0, AttentionMode::Hardmax);
  if (scalar.rfind("mpfr:", 0) == 0) {
    MpfrPrecisionScope scope(std::stol(scalar.substr(5)));
    return run_layer_as<MpfrReal>(layer, X0, AttentionMode::Softmax);
  }
  throw std::invalid_argument("fleq harness: unknown scalar " + scalar);
}

// |x - y| as a double rounded up (to the next double above the nearest).
inline double abs_diff_up(const Rational& x, const Rational& y) {
  const Rational d = x > y ? Rational(x - y) : Rational(y - x);
  const double v = to_double(d);
  return v == 0 ? 0 : std::nextafter(v, INFINITY);
}

// The +-1 positional code of column j in L bits, most significant first.
inline std::vector<int> position_code(int j, int L) {
  std::vector<int> code(L);
  for (int b = 0; b < L; ++b) code[b] = ((j >> (L - 1 - b)) & 1) ? 1 : -1;
  return code;
}
// Writes code(j) into the rows of `block` at column `col`.
inline void put_code(Matrix<Rational>& X, const RowBlock& block, int col, int j) {
  const auto code = position_code(j, block.size);
  for (int b = 0; b < block.size; ++b) X(block.row(b), col) = code[b];
}
// pos rows: the code of every memory and command column, 0 on the scratchpad.
inline void put_positions(Matrix<Rational>& X, const Layout& layout) {
  for (int j = layout.memory().begin; j < layout.columns(); ++j) put_code(X, layout.block("pos"), j, j);
}

// The worst observed / bound per scalar over the random cases of a property, printed
// (for the README table) when LOOPCERT_FLEQ_REPORT is set.
inline std::map<std::string, double>& worst_ratios(const std::string& lemma) {
  static std::map<std::string, std::map<std::string, double>> all;
  return all[lemma];
}
inline void note_ratio(const std::string& lemma, const std::string& scalar, double observed, double bound) {
  double& r = worst_ratios(lemma)[scalar];
  if (bound > 0) r = std::max(r, observed / bound);
}
inline void print_ratios(const std::string& lemma) {
  if (!std::getenv("LOOPCERT_FLEQ_REPORT")) return;
  for (const auto& [scalar, ratio] : worst_ratios(lemma)) std::printf("%s at %s: worst observed / bound = %.3g\n", lemma.c_str(), scalar.c_str(), ratio);
}

// Unit roundoff of the scalars the properties run at.
inline double unit_roundoff_of(const std::string& scalar) {
  if (scalar == "double") return 0x1p-53;
  if (scalar == "float") return 0x1p-24;
  if (scalar == "exact") return 0;
  return std::ldexp(1.0, -static_cast<int>(std::stol(scalar.substr(5))));
}

}  // namespace loopcert::properties::fleq
