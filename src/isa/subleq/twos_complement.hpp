// N-bit two's complement arithmetic on std::int64_t, for 2 <= N <= 64.
// The machine, the assemblers and the tests share these so that "fits" and "wraps"
// mean the same thing everywhere. Arithmetic goes through std::uint64_t, where
// overflow is defined (mod 2^64), so N = 64 needs no special case in callers.
#pragma once
#include <concepts>
#include <cstdint>

namespace loopcert::isa {

inline constexpr int kMinBits = 2;
inline constexpr int kMaxBits = 64;

constexpr bool valid_bits(int bits) { return bits >= kMinBits && bits <= kMaxBits; }

// Smallest and largest value of N-bit two's complement: -2^(N-1) and 2^(N-1) - 1.
constexpr std::int64_t min_signed(int bits) {
  return bits >= 64 ? INT64_MIN : -(std::int64_t{1} << (bits - 1));
}
constexpr std::int64_t max_signed(int bits) {
  return bits >= 64 ? INT64_MAX : (std::int64_t{1} << (bits - 1)) - 1;
}

constexpr bool fits_signed(std::int64_t value, int bits) {
  return value >= min_signed(bits) && value <= max_signed(bits);
}

// The N-bit two's complement value whose bit pattern is the low N bits of `value`
// (i.e. value reduced mod 2^N into [-2^(N-1), 2^(N-1))). Signed arguments are first
// converted to uint64 (mod 2^64, exact for every integer type up to 64 bits).
template <std::integral Integer>
constexpr std::int64_t wrap_signed(Integer value, int bits) {
  std::uint64_t raw = static_cast<std::uint64_t>(value);
  if (bits < 64) {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    raw &= mask;
    if ((raw >> (bits - 1)) & 1u) raw |= ~mask;  // sign-extend bit N-1
  }
  return static_cast<std::int64_t>(raw);  // modular since C++20
}

// SUBLEQ's subtraction: (minuend - subtrahend) mod 2^N, as N-bit signed.
constexpr std::int64_t wrapping_sub(std::int64_t minuend, std::int64_t subtrahend, int bits) {
  return wrap_signed(static_cast<std::uint64_t>(minuend) - static_cast<std::uint64_t>(subtrahend),
                     bits);
}

static_assert(wrap_signed(128, 8) == -128);
static_assert(wrap_signed(-129, 8) == 127);
static_assert(wrap_signed(2, 2) == -2 && wrap_signed(3, 2) == -1 && wrap_signed(4, 2) == 0);
static_assert(wrapping_sub(INT64_MIN, 1, 64) == INT64_MAX);
static_assert(fits_signed(-2, 2) && fits_signed(1, 2) && !fits_signed(2, 2));

}  // namespace loopcert::isa
