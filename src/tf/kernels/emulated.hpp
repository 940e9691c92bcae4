// Faster kernels for the emulated formats and NarrowMpfr. Vectorised y += a * x (every
// projection, every score row, every FFN entry), four doubles at a time with AVX2, and a
// dot product that skips the zero terms that cannot change its value. Bit for bit the scalar operations: each lane computes the same double
// product and sum and the same integer rounding; any lane that leaves the fast case
// (outside the format's normal range, an overflow, or for NarrowMpfr a double result on
// a midpoint of the P-bit grid) sends its group of four back to the scalar operators,
// which handle every case (properties/kernels.cpp compares them on random and
// edge-case data). Used by src/tf/transformer_emulated.cpp and transformer_narrow.cpp,
// which declare these as detail::axpy overloads before including transformer_impl.hpp.
// Needs core/emulated_float.hpp (included first, see core/scalar.hpp).
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "core/narrow_mpfr.hpp"
#include "tf/kernels/emulated_round.hpp"

namespace loopcert::kernels {

// Scalar reference (and the tail): exactly what the generic evaluator does.
template <class T>
inline void axpy_scalar(const T& a, const T* x, T* y, long n) {
  for (long j = 0; j < n; ++j) y[j] += a * x[j];
}

#if defined(__AVX2__)
namespace avx2 {
// |v| rounded to nearest-even after dropping `drop` low significand bits (valid for
// normal doubles; the caller checks the range): (a + half - 1 + lsb) & ~mask.
inline __m256i round_bits(__m256i a, __m256i drop, __m256i half_m1, __m256i not_mask) {
  const __m256i lsb = _mm256_and_si256(_mm256_srlv_epi64(a, drop), _mm256_set1_epi64x(1));
  return _mm256_and_si256(_mm256_add_epi64(_mm256_add_epi64(a, half_m1), lsb), not_mask);
}
}  // namespace avx2
#endif

#if defined(__AVX2__)
// y += a x for a = +-1: the product needs no rounding (see axpy below).
template <const FormatSpec& F>
inline void axpy_unit(const Emulated<F>& a, const Emulated<F>* x, Emulated<F>* y, long n) {
  const emulated::Round4<F> round4;
  const __m256d av = _mm256_set1_pd(a.value());
  const double* xd = reinterpret_cast<const double*>(x);
  double* yd = reinterpret_cast<double*>(y);
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    __m256d r;
    const __m256i bad = round4(_mm256_add_pd(_mm256_loadu_pd(yd + j), _mm256_mul_pd(av, _mm256_loadu_pd(xd + j))), &r);
    if (_mm256_testz_si256(bad, bad)) _mm256_storeu_pd(yd + j, r);
    else axpy_scalar(a, x + j, y + j, 4);
  }
  axpy_scalar(a, x + j, y + j, n - j);
}
#endif

// Emulated<F>: the product of two F values is exact in double (2p <= 53), the sum is
// rounded twice (53 bits, then p), which equals one rounding for p <= 25 (emulated_float.hpp).
// Two exact shortcuts: for a = +-0 every product is +-0 or NaN and every sum y + a x is y,
// a signed zero or NaN, all values of F that the rounding returns unchanged, so the double
// operations alone give the bits; for a = +-1 the product is +-x or NaN, a value of F, so
// only the sum is rounded.
template <const FormatSpec& F>
inline void axpy(const Emulated<F>& a, const Emulated<F>* x, Emulated<F>* y, long n) {
  static_assert(sizeof(Emulated<F>) == sizeof(double));
  if (a.value() == 0) {
    const double av = a.value();
    const double* xd = reinterpret_cast<const double*>(x);
    double* yd = reinterpret_cast<double*>(y);
    for (long j = 0; j < n; ++j) yd[j] = yd[j] + av * xd[j];
    return;
  }
#if defined(__AVX2__)
  if (a.value() == 1 || a.value() == -1) return axpy_unit(a, x, y, n);
  constexpr int d = 53 - F.precision;
  const __m256i drop = _mm256_set1_epi64x(d);
  const __m256i half_m1 = _mm256_set1_epi64x((std::int64_t(1) << (d - 1)) - 1);
  const __m256i not_mask = _mm256_set1_epi64x(~((std::int64_t(1) << d) - 1));
  const __m256i sign = _mm256_set1_epi64x(std::int64_t(0x8000000000000000ull));
  const __m256i lo = _mm256_set1_epi64x(std::int64_t(F.emin + 1023) << 52);  // 2^emin: smallest normal
  const __m256i hi = _mm256_set1_epi64x(std::bit_cast<std::int64_t>(F.max_finite));
  const __m256i zero = _mm256_setzero_si256();
  const __m256d av = _mm256_set1_pd(a.value());
  const double* xd = reinterpret_cast<const double*>(x);
  double* yd = reinterpret_cast<double*>(y);
  // A lane is "bad" unless it is 0 or a normal of the format that rounds to at most max.
  auto bad = [&](__m256i abs, __m256i r) {
    const __m256i nonzero = _mm256_xor_si256(_mm256_cmpeq_epi64(abs, zero), _mm256_set1_epi64x(-1));
    const __m256i out = _mm256_or_si256(_mm256_cmpgt_epi64(lo, abs), _mm256_cmpgt_epi64(r, hi));
    return _mm256_and_si256(nonzero, out);
  };
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256i pb = _mm256_castpd_si256(_mm256_mul_pd(av, _mm256_loadu_pd(xd + j)));
    const __m256i ps = _mm256_and_si256(pb, sign), pa = _mm256_xor_si256(pb, ps);
    const __m256i pr = avx2::round_bits(pa, drop, half_m1, not_mask);
    const __m256d t = _mm256_add_pd(_mm256_loadu_pd(yd + j), _mm256_castsi256_pd(_mm256_or_si256(ps, pr)));
    const __m256i tb = _mm256_castpd_si256(t);
    const __m256i ts = _mm256_and_si256(tb, sign), ta = _mm256_xor_si256(tb, ts);
    const __m256i tr = avx2::round_bits(ta, drop, half_m1, not_mask);
    const __m256i any = _mm256_or_si256(bad(pa, pr), bad(ta, tr));
    if (_mm256_testz_si256(any, any)) _mm256_storeu_pd(yd + j, _mm256_castsi256_pd(_mm256_or_si256(ts, tr)));
    else axpy_scalar(a, x + j, y + j, 4);
  }
  axpy_scalar(a, x + j, y + j, n - j);
#else
  axpy_scalar(a, x, y, n);
#endif
}

// NarrowMpfr: RN53 of the product and of the sum, then RN_P, unless a double result is a
// midpoint of the P-bit grid (or out of the exact range): then the scalar operators.
inline void axpy(const NarrowMpfr& a, const NarrowMpfr* x, NarrowMpfr* y, long n) {
#if defined(__AVX2__)
  static_assert(sizeof(NarrowMpfr) == sizeof(double));
  const int d = narrow::drop;
  const __m256i drop = _mm256_set1_epi64x(d);
  const __m256i half = _mm256_set1_epi64x(std::int64_t(1) << (d - 1));
  const __m256i half_m1 = _mm256_set1_epi64x((std::int64_t(1) << (d - 1)) - 1);
  const __m256i mask = _mm256_set1_epi64x((std::int64_t(1) << d) - 1);
  const __m256i not_mask = _mm256_set1_epi64x(~((std::int64_t(1) << d) - 1));
  const __m256i sign = _mm256_set1_epi64x(std::int64_t(0x8000000000000000ull));
  const __m256i tiny = _mm256_set1_epi64x(std::int64_t(narrow::kTiny));
  const __m256i huge = _mm256_set1_epi64x(std::int64_t(0x7FE0000000000000ull));  // 2^1023: no carry to inf
  const __m256i zero = _mm256_setzero_si256();
  const __m256d av = _mm256_set1_pd(a.value());
  const double* xd = reinterpret_cast<const double*>(x);
  double* yd = reinterpret_cast<double*>(y);
  // Bad: `live` and below 2^-900 (a product of nonzero factors that underflowed, even to
  // 0; a nonzero sum that small), at least 2^1023, or a midpoint of the P-bit grid.
  auto bad = [&](__m256i abs, __m256i live) {
    const __m256i range = _mm256_or_si256(_mm256_and_si256(live, _mm256_cmpgt_epi64(tiny, abs)), _mm256_cmpgt_epi64(abs, huge));
    const __m256i midpoint = _mm256_cmpeq_epi64(_mm256_and_si256(abs, mask), half);
    return _mm256_or_si256(range, midpoint);
  };
  const __m256i ones = _mm256_set1_epi64x(-1);
  const __m256i a_live = a.value() != 0 ? ones : zero;
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d xv = _mm256_loadu_pd(xd + j);
    const __m256i x_live = _mm256_andnot_si256(_mm256_cmpeq_epi64(_mm256_andnot_si256(sign, _mm256_castpd_si256(xv)), zero), a_live);
    const __m256i pb = _mm256_castpd_si256(_mm256_mul_pd(av, xv));
    const __m256i ps = _mm256_and_si256(pb, sign), pa = _mm256_xor_si256(pb, ps);
    const __m256i pr = avx2::round_bits(pa, drop, half_m1, not_mask);
    const __m256d t = _mm256_add_pd(_mm256_loadu_pd(yd + j), _mm256_castsi256_pd(_mm256_or_si256(ps, pr)));
    const __m256i tb = _mm256_castpd_si256(t);
    const __m256i ts = _mm256_and_si256(tb, sign), ta = _mm256_xor_si256(tb, ts);
    const __m256i tr = avx2::round_bits(ta, drop, half_m1, not_mask);
    const __m256i t_live = _mm256_xor_si256(_mm256_cmpeq_epi64(ta, zero), ones);
    const __m256i any = _mm256_or_si256(bad(pa, x_live), bad(ta, t_live));
    if (_mm256_testz_si256(any, any)) _mm256_storeu_pd(yd + j, _mm256_castsi256_pd(_mm256_or_si256(ts, tr)));
    else axpy_scalar(a, x + j, y + j, 4);
  }
  axpy_scalar(a, x + j, y + j, n - j);
#else
  axpy_scalar(a, x, y, n);
#endif
}

// True when a * b is exactly +-0 and adding it to `to` cannot change `to` bit for bit:
// one factor is zero and both are finite (0 * inf is NaN), and `to` is not -0 while the
// product is +0 (then the sum is +0).
template <class V>
inline bool adds_nothing(V a, V b, V to) {
  if (!((a == 0 || b == 0) && std::isfinite(a) && std::isfinite(b))) return false;
  const bool product_negative = std::signbit(a) != std::signbit(b);
  return !(to == 0 && std::signbit(to) && !product_negative);
}

// sum_i a_i b_i with every product and every partial sum rounded, in order, exactly as
// the generic evaluator's dot (Eigen's reduction: res = a_0 b_0, then res = res + a_i b_i)
// computes it, but without the additions of zero products that cannot change res. In the
// attention's value products most terms are zero (a value row is zero off the columns
// that hold its data), so this removes most of the work.
template <class T>
inline T dot_skip_zeros(const T* a, const T* b, long n) {
  T res = a[0] * b[0];
  for (long i = 1; i < n; ++i) {
    if (adds_nothing(a[i].value(), b[i].value(), res.value())) continue;
    res += a[i] * b[i];
  }
  return res;
}
// The same for the emulated formats, the rounding inlined.
template <const FormatSpec& F>
inline Emulated<F> dot_skip_zeros(const Emulated<F>* a, const Emulated<F>* b, long n) {
  const double* ad = reinterpret_cast<const double*>(a);
  const double* bd = reinterpret_cast<const double*>(b);
  double res = emulated::round<F>(ad[0] * bd[0]);
  for (long i = 1; i < n; ++i) {
    if (adds_nothing(ad[i], bd[i], res)) continue;
    res = emulated::round<F>(res + emulated::round<F>(ad[i] * bd[i]));
  }
  return emulated::from_bits<F>(res);
}

// y += a x entry by entry, exactly as the generic evaluator's axpy, without the entries
// whose product is a zero that cannot change y (punchcards are mostly 0 and +-1, and
// half the hidden units are 0 after the ReLU). For carriers without a vectorised kernel
// (NarrowMpfrLD), where every rounded operation costs tens of instructions.
// A product with x = +-1 is +-a exactly (a is already a value of the format), so it
// is not computed either.
template <class T>
inline void axpy_skip_zeros(const T& a, const T* x, T* y, long n) {
  const auto av = a.value();
  const T minus_a = -a;
  for (long j = 0; j < n; ++j) {
    const auto xv = x[j].value();
    if (adds_nothing(av, xv, y[j].value())) continue;
    y[j] += xv == 1 ? a : xv == -1 ? minus_a : a * x[j];
  }
}

}  // namespace loopcert::kernels
