// Running the sigmoid block with the engine (analysis/sigmoid_eval.hpp), at every scalar
// it supports: the engine's explicit instantiations (src/tf/transformer_*.cpp) for float,
// double, long double, float128, MpfrReal and the emulated formats; this file
// instantiates only BlockEvaluator<T> on top of them.
//
// core/emulated_float.hpp first: its round_to_format calls pow2 unqualified, which is
// ambiguous once core/rational.hpp (loopcert::pow2) has been seen (see core/scalar.hpp).
#include "core/emulated_float.hpp"

#include <algorithm>
#include <boost/multiprecision/gmp.hpp>
#include <cmath>
#include <random>
#include <stdexcept>
#include <type_traits>

#include "analysis/sigmoid_eval.hpp"
#include "core/mpfr_rational.hpp"
#include "core/scalar_dispatch.hpp"

namespace loopcert::analysis {

using approx::Target;
using blocks::SigmoidBlock;

namespace {
Rational exact_value(float v) { return Rational(static_cast<double>(v)); }
Rational exact_value(double v) { return Rational(v); }
Rational exact_value(long double v) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_ld(x, v, MPFR_RNDN);  // exact
  Rational q = exact_rational(x);
  mpfr_clear(x);
  return q;
}
Rational exact_value(const MpfrReal& v) { return exact_rational(v.raw()); }
template <const FormatSpec& F>
Rational exact_value(const Emulated<F>& v) {
  return Rational(v.value());
}
// float128 = hi + mid + lo exactly: each step removes at least 53 of the 113 bits.
Rational exact_value(const Float128& v) {
  if (!boost::multiprecision::isfinite(v)) return Rational(0);
  const double hi = static_cast<double>(v);
  const Float128 r1 = v - Float128(hi);  // exact
  const double mid = static_cast<double>(r1);
  const double lo = static_cast<double>(r1 - Float128(mid));  // exact: at most 7 bits remain
  return Rational(hi) + Rational(mid) + Rational(lo);
}

template <class T>
bool finite_value(const T& v) {
  return ScalarTraits<T>::is_finite(v);
}

// The scalars BlockEvaluator is instantiated for (the list below the class).
template <class T>
constexpr bool kEvaluatorScalar = std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, long double> ||
                                  std::is_same_v<T, Float128> || std::is_same_v<T, MpfrReal> || std::is_same_v<T, bf16> ||
                                  std::is_same_v<T, fp16> || std::is_same_v<T, tf32> || std::is_same_v<T, fp8e4m3> ||
                                  std::is_same_v<T, fp8e5m2>;

// Points evaluated per call: enough punchcards side by side to share the engine's
// per-head cost, few enough to stay in cache.
constexpr int kPunchcardsPerCall = 256;

template <class T>
std::vector<Sample> run(const SigmoidBlock& block, const std::vector<Point>& points,
                        const std::function<void(std::size_t, std::size_t)>& on_points) {
  const bool two = block.target.inputs() == 2;
  const Target& t = block.target;
  std::vector<Sample> out;
  std::vector<T> xs, ys;
  out.reserve(points.size());
  for (const Point& p : points) {
    const T x = ScalarTraits<T>::from_rational(p.x);
    const T y = ScalarTraits<T>::from_rational(two ? p.y : Rational(0));
    Sample s;
    if (!finite_value(x) || !finite_value(y)) continue;
    s.x = exact_value(x);
    s.y = two ? exact_value(y) : Rational(0);
    if (s.x < t.lo || s.x > t.hi) continue;
    if (two && (s.y < t.lo || s.y > t.hi)) continue;
    out.push_back(std::move(s));
    xs.push_back(x);
    ys.push_back(y);
  }
  if (out.empty()) return out;
  const int per_call = static_cast<int>(std::min<std::size_t>(out.size(), kPunchcardsPerCall));
  BlockEvaluator<T> evaluator(block, 1, per_call);
  std::vector<T> x_chunk(per_call), y_chunk(per_call), v(per_call);
  for (std::size_t first = 0; first < out.size(); first += per_call) {
    // The last call repeats its last point in the punchcards it does not need.
    for (int k = 0; k < per_call; ++k) {
      const std::size_t i = std::min(first + k, out.size() - 1);
      x_chunk[k] = xs[i];
      y_chunk[k] = ys[i];
    }
    evaluator(x_chunk.data(), y_chunk.data(), v.data());
    for (int k = 0; k < per_call && first + k < out.size(); ++k) {
      Sample& s = out[first + k];
      s.finite = finite_value(v[k]);
      if (s.finite) s.out = exact_value(v[k]);
    }
    if (on_points) on_points(std::min(first + per_call, out.size()), out.size());
  }
  return out;
}

// `copies` copies of `card` side by side.
template <class T>
Matrix<T> side_by_side(const Matrix<T>& card, int copies) {
  if (copies < 1) throw std::invalid_argument("a block evaluator needs at least one punchcard");
  Matrix<T> out(card.rows(), card.cols() * copies);
  for (int p = 0; p < copies; ++p) out.middleCols(p * card.cols(), card.cols()) = card;
  return out;
}
}  // namespace

template <class T>
BlockEvaluator<T>::BlockEvaluator(const SigmoidBlock& block, int batch, int punchcards)
    : tf_(instantiate<T>(block.loop, AttentionMode::Softmax)),
      X_(side_by_side(to_scalar<T>(blocks::initial_punchcard(block, batch)), punchcards)),
      batch_(batch),
      punchcards_(punchcards),
      columns_(static_cast<int>(X_.cols() / punchcards)),
      x_row_(block.layout.row("x")),
      y_row_(block.layout.has("y") ? block.layout.row("y") : -1),
      out_row_(block.layout.row("out")) {}

template <class T>
T BlockEvaluator<T>::operator()(const T& x, const T& y) {
  for (Eigen::Index j = 0; j < X_.cols(); ++j) X_(out_row_, j) = T(0);
  X_(x_row_, 0) = x;
  if (y_row_ >= 0) X_(y_row_, 0) = y;
  tf_.apply_layer_batch(0, X_, columns_);
  return X_(out_row_, 0);
}

template <class T>
void BlockEvaluator<T>::operator()(const T* xs, const T* ys, T* out) {
  for (Eigen::Index j = 0; j < X_.cols(); ++j) X_(out_row_, j) = T(0);
  for (int k = 0; k < points(); ++k) {
    X_(x_row_, point_column(k)) = xs[k];
    if (y_row_ >= 0) X_(y_row_, point_column(k)) = ys ? ys[k] : T(0);
  }
  tf_.apply_layer_batch(0, X_, columns_);
  for (int k = 0; k < points(); ++k) out[k] = X_(out_row_, point_column(k));
}

template class BlockEvaluator<float>;
template class BlockEvaluator<double>;
template class BlockEvaluator<long double>;
template class BlockEvaluator<Float128>;
template class BlockEvaluator<MpfrReal>;
template class BlockEvaluator<bf16>;
template class BlockEvaluator<fp16>;
template class BlockEvaluator<tf32>;
template class BlockEvaluator<fp8e4m3>;
template class BlockEvaluator<fp8e5m2>;

std::string unsupported_reason(const ScalarSpec& scalar) {
  const ScalarFacts& facts = scalar_facts(scalar);
  if (facts.hardmax)
    return "the sigmoid block needs softmax attention (exp); scalar '" + scalar.name() + "' runs hardmax attention";
  if (!facts.runnable)
    return "scalar '" + scalar.name() + "' is not an engine scalar (the fitted bound is certified with MPFI separately)";
  return "";
}

std::vector<Sample> evaluate(const SigmoidBlock& block, const std::vector<Point>& points, const ScalarSpec& scalar,
                             const std::function<void(std::size_t, std::size_t)>& on_points) {
  if (const std::string why = unsupported_reason(scalar); !why.empty()) throw std::invalid_argument(why);
  // No narrow fast path: mpfr:P runs at MpfrReal, the type BlockEvaluator is
  // instantiated for (the dispatcher still names the narrow types, hence the check).
  return dispatch_scalar(
      scalar,
      [&]<class T>(ScalarTag<T>) -> std::vector<Sample> {
        if constexpr (kEvaluatorScalar<T>) return run<T>(block, points, on_points);
        else throw std::invalid_argument("scalar '" + scalar.name() + "' cannot run the sigmoid block");
      },
      DispatchOptions{false, nullptr});
}

std::vector<Point> sample_points(const Target& target, int grid, int random, std::uint64_t seed) {
  std::vector<Point> points;
  const Rational w = target.hi - target.lo;
  auto at = [&](const Rational& fraction) { return Rational(target.lo + w * fraction); };
  std::mt19937_64 rng(seed);
  const std::uint64_t denom = std::uint64_t(1) << 30;
  auto draw = [&] { return at(Rational(static_cast<long long>(rng() % (denom + 1)), static_cast<long long>(denom))); };
  if (target.inputs() == 1) {
    for (int k = 0; k < grid; ++k) points.push_back({grid == 1 ? target.lo : at(Rational(k, grid - 1)), Rational(0)});
    for (int k = 0; k < random; ++k) points.push_back({draw(), Rational(0)});
  } else {
    int g = 1;
    while (g * g < grid) ++g;
    for (int i = 0; i < g; ++i)
      for (int j = 0; j < g; ++j)
        points.push_back({g == 1 ? target.lo : at(Rational(i, g - 1)), g == 1 ? target.lo : at(Rational(j, g - 1))});
    for (int k = 0; k < random; ++k) {
      Rational x = draw();
      points.push_back({x, draw()});
    }
  }
  return points;
}

ErrorSummary measure(const Target& target, const std::vector<Sample>& samples, long precision) {
  ErrorSummary e;
  MpfrPrecisionScope scope(precision);
  for (const Sample& s : samples) {
    ++e.points;
    if (!s.finite) {
      if (e.finite) e.argmax = {s.x, s.y};
      e.finite = false;
      e.max_error = INFINITY;
      continue;
    }
    MpfrReal d = MpfrReal(s.out) - evaluate_target(target, s.x, s.y);
    const double err = mpfr_get_d(abs(d).raw(), MPFR_RNDU);
    if (e.finite && err >= e.max_error) {
      e.max_error = err;
      e.argmax = {s.x, s.y};
    }
  }
  return e;
}

}  // namespace loopcert::analysis
