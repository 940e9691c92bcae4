// Exact tests on scalars and rows that the attention's shortcuts rest on (tf/attention.hpp):
// two scalars that every operation treats alike, a +0 entry, a weight whose product with
// +0 is +0, and a hash of a query column.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/scalar.hpp"

namespace loopcert::kernels {

// a and b are the same value with the same sign of zero (NaN is never identical): every
// rounded operation gives the same result on them.
template <class T>
inline bool identical(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) && a == a;
  else if constexpr (std::is_same_v<T, float>) return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b) && a == a;
  else {
    if (!(a == b)) return false;
    return !(a == T(0)) || std::signbit(ScalarTraits<T>::to_double(a)) == std::signbit(ScalarTraits<T>::to_double(b));
  }
}

// x is +0 (not -0, not nonzero).
template <class T>
inline bool is_plus_zero(const T& x) {
  if constexpr (std::is_same_v<T, double>) return std::bit_cast<std::uint64_t>(x) == 0;
  else if constexpr (std::is_same_v<T, float>) return std::bit_cast<std::uint32_t>(x) == 0;
  else if constexpr (std::is_same_v<T, MpfrReal>) return mpfr_zero_p(x.raw()) && !mpfr_signbit(x.raw());
  else return x == T(0) && !std::signbit(ScalarTraits<T>::to_double(x));
}

// +0 * w is +0: w finite with a clear sign bit.
template <class T>
inline bool times_plus_zero_is_plus_zero(const T& w) {
  if constexpr (std::is_same_v<T, double>) return std::bit_cast<std::uint64_t>(w) < 0x7FF0000000000000ull;
  else if constexpr (std::is_same_v<T, float>) return std::bit_cast<std::uint32_t>(w) < 0x7F800000u;
  else if constexpr (std::is_same_v<T, MpfrReal>) return mpfr_number_p(w.raw()) && !mpfr_signbit(w.raw());
  else return ScalarTraits<T>::is_finite(w) && !std::signbit(ScalarTraits<T>::to_double(w));
}

// Every entry of the row is identical to the first.
template <class T>
inline bool all_identical(const T* row, long n) {
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    using Bits = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;
    const Bits first = std::bit_cast<Bits>(row[0]);
    Bits differ = 0;
    for (long i = 1; i < n; ++i) differ |= std::bit_cast<Bits>(row[i]) ^ first;  // vectorises
    return differ == 0 && row[0] == row[0];
  } else {
    for (long i = 1; i < n; ++i)
      if (!identical(row[i], row[0])) return false;
    return row[0] == row[0];
  }
}

// Hash mixing for query columns (collisions are resolved by identical()).
template <class T>
inline std::uint64_t entry_bits(const T& x) {
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<std::uint32_t>(x);
  else return std::bit_cast<std::uint64_t>(ScalarTraits<T>::to_double(x));
}
inline std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}
template <class T>
inline std::uint64_t hash_entry(const T& x) {
  return mix(entry_bits(x));
}

}  // namespace loopcert::kernels
