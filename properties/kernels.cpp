// Property: the fast kernels of src/tf/kernels/emulated.hpp give bit for bit what
// the generic evaluator's plain loops give (y[j] += a * x[j]; res = a_0 b_0, then
// res += a_i b_i), on vectors rich in the entries the kernels treat specially: +0, -0,
// +-1, +-inf, NaN, values near the format's range ends. Checked for the vectorised axpy
// of bf16 and fp16 and of NarrowMpfr (P <= 52), and for the skipping axpy and dot that
// NarrowMpfrLD (53 <= P <= 63) and the emulated formats use. Equal means the same value
// and the same sign of zero, or NaN on both sides.
//
// The whole-run properties (properties/narrow_mpfr.cpp, the lemma properties) exercise
// these kernels on real punchcards; this file aims at the edge cases directly.
#include "core/emulated_float.hpp"  // first: see core/scalar.hpp
// Then the rest.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/multiprecision/eigen.hpp>

#include "tf/kernels/emulated.hpp"
#include "tf/kernels/plain.hpp"
#include "tf/kernels/rows.hpp"
#include "tf/kernels/sparse_dot.hpp"
#include "core/narrow_mpfr_ld.hpp"

using namespace loopcert;

namespace {

template <class T>
bool same(const T& a, const T& b) {
  const auto x = a.value(), y = b.value();
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  return x == y && std::signbit(x) == std::signbit(y);
}

template <class T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

// One entry: mostly the special values, else a random dyadic value between 2^-40 and
// 2^40 in magnitude (rounded to the type by its constructor), sometimes huge or tiny.
rc::Gen<double> entry() {
  const double inf = std::numeric_limits<double>::infinity();
  return rc::gen::weightedOneOf<double>({
      {4, rc::gen::element(0.0, -0.0, 1.0, -1.0)},
      {1, rc::gen::element(inf, -inf, std::numeric_limits<double>::quiet_NaN())},
      {6, rc::gen::map(rc::gen::pair(rc::gen::inRange(-(1 << 20), 1 << 20), rc::gen::inRange(-60, 21)),
                       [](std::pair<int, int> p) { return std::ldexp(p.first, p.second); })},
      {1, rc::gen::map(rc::gen::pair(rc::gen::inRange(1, 1 << 10), rc::gen::inRange(-1100, 1100)),
                       [](std::pair<int, int> p) { return std::ldexp(p.first, p.second); })},
  });
}

template <class T>
std::vector<T> vector_of(int n) {
  std::vector<T> v;
  for (int i = 0; i < n; ++i) v.push_back(T(*entry()));
  return v;
}

// The generic evaluator's loops (src/tf/transformer_impl.hpp).
template <class T>
void axpy_reference(const T& a, const T* x, T* y, long n) {
  for (long j = 0; j < n; ++j) y[j] += a * x[j];
}
template <class T>
T dot_reference(const T* a, const T* b, long n) {
  T res = a[0] * b[0];
  for (long i = 1; i < n; ++i) res = res + a[i] * b[i];
  return res;
}

// Runs `kernel` and the reference on the same random data; true when they agree.
template <class T, class Kernel>
bool axpy_agrees(Kernel kernel) {
  const int n = *rc::gen::inRange(0, 14);  // crosses the 4-lane groups and their tails
  const T a(*entry());
  const std::vector<T> x = vector_of<T>(n), y0 = vector_of<T>(n);
  std::vector<T> fast = y0, slow = y0;
  kernel(a, x.data(), fast.data(), n);
  axpy_reference(a, x.data(), slow.data(), n);
  return same(fast, slow);
}
template <class T>
bool dot_agrees() {
  const int n = *rc::gen::inRange(1, 14);
  const std::vector<T> a = vector_of<T>(n), b = vector_of<T>(n);
  return same(kernels::dot_skip_zeros(a.data(), b.data(), n), dot_reference(a.data(), b.data(), n));
}

}  // namespace

TEST_CASE("fast kernels equal the evaluator's plain loops bit for bit", "[property][kernels]") {
  rc::prop("bf16: vectorised axpy, skipping axpy, skipping dot", [] {
    RC_ASSERT(axpy_agrees<bf16>([](auto&&... args) { kernels::axpy(args...); }));
    RC_ASSERT(axpy_agrees<bf16>([](auto&&... args) { kernels::axpy_skip_zeros(args...); }));
    RC_ASSERT(dot_agrees<bf16>());
  });
  rc::prop("fp16: vectorised axpy, skipping dot", [] {
    RC_ASSERT(axpy_agrees<fp16>([](auto&&... args) { kernels::axpy(args...); }));
    RC_ASSERT(dot_agrees<fp16>());
  });
  rc::prop("NarrowMpfr, P in 2..52: vectorised axpy, skipping dot", [] {
    NarrowPrecisionScope scope(*rc::gen::inRange(2, 53));
    RC_ASSERT(axpy_agrees<NarrowMpfr>([](auto&&... args) { kernels::axpy(args...); }));
    RC_ASSERT(dot_agrees<NarrowMpfr>());
  });
  rc::prop("NarrowMpfrLD, P in 53..63: skipping axpy, skipping dot", [] {
    NarrowPrecisionScope scope(*rc::gen::inRange(53, 64));
    RC_ASSERT(axpy_agrees<NarrowMpfrLD>([](auto&&... args) { kernels::axpy_skip_zeros(args...); }));
    RC_ASSERT(dot_agrees<NarrowMpfrLD>());
  });
}

TEST_CASE("negative check: a skip that ignores 0 * inf = NaN, or -0 + +0 = +0, is caught", "[property][kernels][negative]") {
  // The naive rule "skip every zero product" differs from the loops in exactly the cases
  // adds_nothing() excludes; the comparison above must see both.
  auto naive = [](const bf16& a, const bf16* x, bf16* y, long n) {
    for (long j = 0; j < n; ++j)
      if (a.value() != 0 && x[j].value() != 0) y[j] += a * x[j];
  };
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& [a, x, y] : {std::tuple{0.0, inf, 1.0}, std::tuple{0.0, 1.0, -0.0}}) {
    const bf16 av(a), xv(x);
    bf16 naive_y(y), loop_y(y), kernel_y(y);
    naive(av, &xv, &naive_y, 1);
    axpy_reference(av, &xv, &loop_y, 1);
    kernels::axpy_skip_zeros(av, &xv, &kernel_y, 1);
    CHECK_FALSE(same(naive_y, loop_y));
    CHECK(same(kernel_y, loop_y));
  }
}

// ---- The sparse read-out (src/tf/kernels/sparse_dot.hpp) against the plain dot ----

namespace {

template <class T>
bool same_scalar(const T& a, const T& b) {
  const double x = ScalarTraits<T>::to_double(a), y = ScalarTraits<T>::to_double(b);
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  return a == b && std::signbit(x) == std::signbit(y);
}

// A value row that is +0 but for a few entries (any values, -0, inf and NaN included) and
// finite, non-negative weights (the read-out's precondition); 1 to 80 entries, so that
// every lane, the second packet, the packet after it and the tail are hit.
template <class T>
bool sparse_dot_agrees(std::vector<int>* live_out = nullptr) {
  const int n = *rc::gen::inRange(1, 81);
  std::vector<T> a(n, T(0)), w(n);
  for (int e = *rc::gen::inRange(0, 1 + n / 3); e > 0; --e) a[*rc::gen::inRange(0, n)] = T(*entry());
  for (int i = 0; i < n; ++i) {
    w[i] = T(std::fabs(*entry()));
    if (!ScalarTraits<T>::is_finite(w[i])) w[i] = T(1.0);  // (also a double too large for float)
  }
  std::vector<int> live;
  for (int i = 0; i < n; ++i)
    if (!kernels::is_plus_zero(a[i])) live.push_back(i);
  const T fast = kernels::sparse_dot(a.data(), live.data(), static_cast<int>(live.size()), w.data(), n);
  return same_scalar(fast, detail::dot(a.data(), w.data(), n));
}

}  // namespace

TEST_CASE("the sparse read-out equals the plain dot product bit for bit", "[property][kernels]") {
  rc::prop("double (4 lanes)", [] { RC_ASSERT(sparse_dot_agrees<double>()); });
  rc::prop("float (8 lanes)", [] { RC_ASSERT(sparse_dot_agrees<float>()); });
  rc::prop("long double (in order)", [] { RC_ASSERT(sparse_dot_agrees<long double>()); });
  rc::prop("float128 (in order)", [] { RC_ASSERT(sparse_dot_agrees<Float128>()); });
  rc::prop("mpfr:100 (in order from 0)", [] {
    MpfrPrecisionScope scope(100);
    RC_ASSERT(sparse_dot_agrees<MpfrReal>());
  });
}

TEST_CASE("negative check: a sparse read-out summing in plain order is caught at double", "[property][kernels][negative]") {
  // Eigen sums a double dot in two packets of 4 lanes; summing the live products left to right gives
  // other bits for 1e16 at 0, 1 at 1, -1e16 at 8: lanes 0 and 1 hold 0 (1e16 - 1e16) and
  // 1, so the dot is 1, while (1e16 + 1) - 1e16 = 0.
  std::vector<double> a(16, 0.0), w(16, 1.0);
  a[0] = 1e16, a[1] = 1, a[8] = -1e16;
  const std::vector<int> live{0, 1, 8};
  double in_order = 0;
  for (int i : live) in_order += a[i] * w[i];
  const double plain = detail::dot(a.data(), w.data(), 16);
  CHECK(plain == 1.0);
  CHECK(in_order != plain);
  CHECK(kernels::sparse_dot(a.data(), live.data(), 3, w.data(), 16) == plain);
}
