// Property: the emulated formats' softmax kernel (tf/kernels/emulated_softmax.hpp:
// rounding inlined, entrywise steps four lanes at a time, exps from a per-thread cache)
// gives bit for bit what the plain evaluator's softmax row (detail::softmax_row, Eigen's
// expression on the emulated scalar) gives, at bf16, fp16, fp8e4m3 and fp8e5m2, on rows
// of 1 to 40 scores rich in what the kernel treats specially: repeated values (cache
// hits), +-0, +-inf, NaN, values near the ends of the format's range (the scalar
// fallback of a group of four), and temperatures that overflow. Equal means the same
// value and the same sign of zero, or NaN on both sides. The whole-engine property
// (properties/engine_shortcuts.cpp, bf16 and fp8e4m3) runs the kernel on real layers.
#include "core/emulated_float.hpp"  // first: see core/scalar.hpp
// Then the rest.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/multiprecision/eigen.hpp>

#include "tf/kernels/emulated.hpp"
#include "tf/kernels/emulated_softmax.hpp"

using namespace loopcert;

namespace {

template <class T>
bool same(const T& a, const T& b) {
  const double x = a.value(), y = b.value();
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  return x == y && std::signbit(x) == std::signbit(y);
}

// A score: a few distinct small values (so rows repeat), special values, random dyadics,
// or values near the format's largest and smallest normals.
template <const FormatSpec& F>
rc::Gen<double> score() {
  const double inf = std::numeric_limits<double>::infinity();
  return rc::gen::weightedOneOf<double>({
      {6, rc::gen::element(0.0, -0.0, 1.0, -1.0, 2.0, -3.0, 0.5)},
      {1, rc::gen::element(inf, -inf, std::numeric_limits<double>::quiet_NaN())},
      {6, rc::gen::map(rc::gen::pair(rc::gen::inRange(-(1 << 12), 1 << 12), rc::gen::inRange(-14, 4)),
                       [](std::pair<int, int> p) { return std::ldexp(p.first, p.second); })},
      {1, rc::gen::map(rc::gen::pair(rc::gen::inRange(1, 8), rc::gen::inRange(F.emin - 3, F.emin + 3)),
                       [](std::pair<int, int> p) { return std::ldexp(p.first, p.second); })},
      {1, rc::gen::map(rc::gen::inRange(-8, 8), [](int k) { return F.max_finite * (1 - k / 64.0); })},
  });
}

template <const FormatSpec& F>
bool softmax_agrees() {
  using E = Emulated<F>;
  const int n = *rc::gen::inRange(1, 41);
  const E lambda(*rc::gen::element(1.0, 4.0, 0.75, 3.0, 1e3, F.max_finite));
  std::vector<E> fast, plain;
  for (int i = 0; i < n; ++i) fast.push_back(E(*score<F>()));
  plain = fast;
  kernels::softmax_row_repeat(fast.data(), n, lambda);
  detail::softmax_row(plain.data(), n, lambda);
  for (int i = 0; i < n; ++i) {
    RC_LOG() << i << ": fast " << fast[i].value() << ", plain " << plain[i].value() << "\n";
    if (!same(fast[i], plain[i])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the emulated softmax kernel equals the plain softmax row bit for bit", "[property][engine][emulated]") {
  rc::prop("bf16", [] { RC_ASSERT(softmax_agrees<formats::bf16>()); });
  rc::prop("fp16", [] { RC_ASSERT(softmax_agrees<formats::fp16>()); });
  rc::prop("fp8e4m3", [] { RC_ASSERT(softmax_agrees<formats::fp8e4m3>()); });
  rc::prop("fp8e5m2", [] { RC_ASSERT(softmax_agrees<formats::fp8e5m2>()); });
}

TEST_CASE("negative check: a softmax that sums its exps in double and rounds once is caught", "[property][engine][emulated][negative]") {
  // 300 equal scores: every exp is 1, and the in-order bf16 sum stalls at 256 (256 + 1 is
  // the tie between 256 and 258 and rounds to the even 256), so each weight is 2^-8; the
  // sum taken in double is 300, and 1/300 is another bf16 value.
  using E = bf16;
  std::vector<E> row(300, E(0.0)), plain;
  plain = row;
  detail::softmax_row(plain.data(), 300, E(1.0));
  std::vector<E> fast = row;
  kernels::softmax_row_repeat(fast.data(), 300, E(1.0));
  std::vector<E> once = row;  // the wrong kernel: exps of 0 are 1, their sum in double
  double total = 0;
  for (const E& e : once) total += std::exp(e.value());
  for (E& e : once) e = E(1.0) / E(total);
  CHECK(same(fast[0], plain[0]));
  CHECK(plain[0].value() == 1.0 / 256);
  CHECK_FALSE(same(once[0], plain[0]));
}
