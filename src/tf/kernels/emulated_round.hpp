// The rounding of core/emulated_float.hpp, inline and four lanes at a time, for the
// emulated formats' kernels (tf/kernels/emulated.hpp, emulated_softmax.hpp). Every
// function here gives the bits round_to_format gives: the fast path is round_to_format's
// own normal-range branch; every other case (below 2^emin, overflow, inf, NaN) is
// round_to_format itself.
// Needs core/emulated_float.hpp (included first, see core/scalar.hpp).
#pragma once
#include <bit>
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace loopcert::kernels::emulated {

// round_to_format(x, F), with the normal range inlined.
template <const FormatSpec& F>
[[gnu::always_inline]] inline double round(double x) {
  constexpr int d = 53 - F.precision;
  constexpr std::uint64_t lo = loopcert::detail::pow2_bits(F.emin);
  constexpr std::uint64_t max_bits = std::bit_cast<std::uint64_t>(F.max_finite);
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t sign = bits & loopcert::detail::kSign, a = bits ^ sign;
  if (a - lo <= max_bits - lo) {  // 2^emin <= |x| <= max_finite (unsigned wrap below 2^emin)
    const std::uint64_t r = (a + ((std::uint64_t(1) << (d - 1)) - 1) + ((a >> d) & 1)) & ~((std::uint64_t(1) << d) - 1);
    if (r <= max_bits) return std::bit_cast<double>(sign | r);
  }
  return round_to_format(x, F);
}

template <const FormatSpec& F>
[[gnu::always_inline]] inline Emulated<F> from_bits(double x) {  // x is already a value of F
  return std::bit_cast<Emulated<F>>(x);
}

#if defined(__AVX2__)
// Four lanes rounded as round() does, when every lane is 0 or a normal of F that rounds
// to at most max_finite; false (and nothing written) otherwise.
template <const FormatSpec& F>
struct Round4 {
  static constexpr int d = 53 - F.precision;
  const __m256i drop = _mm256_set1_epi64x(d);
  const __m256i half_m1 = _mm256_set1_epi64x((std::int64_t(1) << (d - 1)) - 1);
  const __m256i not_mask = _mm256_set1_epi64x(~((std::int64_t(1) << d) - 1));
  const __m256i sign = _mm256_set1_epi64x(std::int64_t(0x8000000000000000ull));
  const __m256i lo = _mm256_set1_epi64x(std::int64_t(F.emin + 1023) << 52);
  const __m256i hi = _mm256_set1_epi64x(std::bit_cast<std::int64_t>(F.max_finite));
  const __m256i zero = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi64x(-1);

  // The rounded lanes in *out; the returned mask is nonzero where a lane left the fast case.
  [[gnu::always_inline]] __m256i operator()(__m256d v, __m256d* out) const {
    const __m256i b = _mm256_castpd_si256(v);
    const __m256i s = _mm256_and_si256(b, sign), a = _mm256_xor_si256(b, s);
    const __m256i lsb = _mm256_and_si256(_mm256_srlv_epi64(a, drop), _mm256_set1_epi64x(1));
    const __m256i r = _mm256_and_si256(_mm256_add_epi64(_mm256_add_epi64(a, half_m1), lsb), not_mask);
    *out = _mm256_castsi256_pd(_mm256_or_si256(s, r));
    const __m256i nonzero = _mm256_xor_si256(_mm256_cmpeq_epi64(a, zero), ones);
    const __m256i outside = _mm256_or_si256(_mm256_cmpgt_epi64(lo, a), _mm256_cmpgt_epi64(r, hi));
    return _mm256_and_si256(nonzero, outside);
  }
};
#endif

// v[i] = round(op(v[i])) for i < n, four lanes at a time where every lane is in the fast
// case; op is a double operation given both as a packet and as a scalar function.
template <const FormatSpec& F, class PacketOp, class ScalarOp>
inline void map_rounded(double* v, long n, PacketOp packet_op, ScalarOp scalar_op) {
  long i = 0;
#if defined(__AVX2__)
  const Round4<F> round4;
  for (; i + 4 <= n; i += 4) {
    __m256d r;
    const __m256i bad = round4(packet_op(_mm256_loadu_pd(v + i)), &r);
    if (_mm256_testz_si256(bad, bad)) {
      _mm256_storeu_pd(v + i, r);
    } else {
      for (int l = 0; l < 4; ++l) v[i + l] = round<F>(scalar_op(v[i + l]));
    }
  }
#else
  (void)packet_op;
#endif
  for (; i < n; ++i) v[i] = round<F>(scalar_op(v[i]));
}

}  // namespace loopcert::kernels::emulated
