// NarrowMpfr: MPFR semantics at a precision P <= 52 bits, computed in double.
//
// What it is for: a precision search runs the same program at every precision from its
// minimum up to HI; MPFR spends its time in generic multi-limb code. For P <= 52 every
// operation the evaluator uses (+, -, *, /, exp, comparisons, conversions from exact
// rationals) can be computed *bit for bit as MPFR at precision P computes it* (round to
// nearest even) with a few double operations:
//
//   + - * /  hi = RN53(a op b). The midpoints of the P-bit grid are doubles (P + 1 <= 53
//            bits), so unless hi is exactly such a midpoint, hi is at least one double
//            ulp away from every midpoint while the exact result is within half a
//            double ulp of hi: both round to the same P-bit value, RN_P(hi). Only when
//            hi is a midpoint is the sign of (exact - hi) needed: TwoSum for + and -,
//            one fused multiply-add for the product's error and the quotient's exact
//            remainder a - q b. That case is rare; the common path is one double
//            operation and one integer rounding, like the emulated formats.
//   exp      the C library's exp is within 1 ulp of e^x; if both ends of
//            [exp(x) - 2 ulp, exp(x) + 2 ulp] round to the same P-bit value, that value
//            is the correctly rounded e^x; otherwise MPFR computes it (rare below ~45
//            bits).
//
// MPFR's exponent range is practically unbounded, double's is not: any result that
// underflows towards double's subnormals (below 2^-900), overflows, or an exp argument
// outside [-700, 700], sets a thread-local flag and the run is redone with MPFR itself
// (analysis/lockstep.cpp). NaN and infinities also set it. So a run either is exactly
// the MPFR run, or is thrown away. properties/narrow_mpfr.cpp checks the operations
// against MPFR on random operands (midpoints included) and whole runs against MPFR runs
// punchcard for punchcard.
#pragma once
#include <mpfr.h>

#include <bit>
#include <concepts>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "core/rational.hpp"
#include "core/scalar.hpp"
#include "core/narrow_scalar.hpp"

namespace loopcert {

inline constexpr long kNarrowMaxPrecision = 52;      // NarrowMpfr (double carrier)
inline constexpr long kNarrowLongMaxPrecision = 63;  // NarrowMpfrLD (long double carrier, narrow_mpfr_ld.hpp)

// The thread's precision and flag: plain constant-initialised thread_locals, so that
// reading them in every operation costs one load (no initialisation guard).
namespace narrow {
inline thread_local int precision = 24;
inline thread_local int drop = 29;            // 53 - precision: low significand bits dropped
inline thread_local bool left_range = false;  // a result left the range where the emulation is exact
}  // namespace narrow

// Sets the precision for this thread and clears the flag; restores on exit.
class NarrowPrecisionScope {
 public:
  explicit NarrowPrecisionScope(int bits) : previous_(narrow::precision) {
    if (bits < 2 || bits > kNarrowLongMaxPrecision) throw std::invalid_argument("NarrowMpfr precision must be 2..63");
    set(bits);
    narrow::left_range = false;
  }
  ~NarrowPrecisionScope() { set(previous_); }
  NarrowPrecisionScope(const NarrowPrecisionScope&) = delete;
  NarrowPrecisionScope& operator=(const NarrowPrecisionScope&) = delete;
  static bool left_range() { return narrow::left_range; }

 private:
  static void set(int bits) {
    narrow::precision = bits;
    narrow::drop = bits <= kNarrowMaxPrecision ? 53 - bits : 1;  // (unused by the long double carrier)
  }
  int previous_;
};

namespace narrow {
inline constexpr std::uint64_t kSign = 0x8000000000000000ull;
inline constexpr std::uint64_t kExpMask = 0x7FF0000000000000ull;
inline constexpr std::uint64_t kTiny = std::uint64_t(1023 - 900) << 52;  // bits of 2^-900

// Round a double to the thread's precision, nearest-even, unbounded exponent (flags
// results outside the exact range).
inline double round_p(double x) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t sign = bits & kSign;
  const std::uint64_t a = bits ^ sign;
  if (a < kTiny) {
    if (a != 0) left_range = true;
    return x;
  }
  if (a >= kExpMask) {
    left_range = true;
    return x;
  }
  const int d = drop;
  const std::uint64_t r = (a + ((std::uint64_t(1) << (d - 1)) - 1) + ((a >> d) & 1)) & ~((std::uint64_t(1) << d) - 1);
  if (r >= kExpMask) left_range = true;
  return std::bit_cast<double>(sign | r);
}

// hi = RN53(exact) lies exactly on a midpoint of the P-bit grid and exact - hi has the
// sign `direction` (0: exact == hi, a true tie): round to P bits accordingly.
inline double round_midpoint(double hi, int direction) {
  if (direction == 0) return round_p(hi);  // ties to even
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(hi);
  const std::uint64_t sign = bits & kSign;
  const std::uint64_t a = bits ^ sign;
  const std::uint64_t half = std::uint64_t(1) << (drop - 1), mask = (std::uint64_t(1) << drop) - 1;
  const bool up = (direction > 0) == (sign == 0);  // the magnitude of exact is above |hi|
  const std::uint64_t r = up ? (a + half) & ~mask : a & ~mask;
  if (r >= kExpMask) left_range = true;
  return std::bit_cast<double>(sign | r);
}

inline int sign_of(double x) { return (x > 0) - (x < 0); }

// hi = RN53(exact). If hi is not a midpoint of the P-bit grid, RN_P(exact) = RN_P(hi):
// midpoints are doubles (P + 1 <= 53 bits), so hi is at least one double ulp from every
// midpoint while |exact - hi| <= half a double ulp, and both lie on the same side. Only
// at a midpoint does the sign of exact - hi decide; the caller computes it then (rarely).
inline bool at_midpoint(double hi) {
  const std::uint64_t a = std::bit_cast<std::uint64_t>(hi) & ~kSign;
  return (a & ((std::uint64_t(1) << drop) - 1)) == (std::uint64_t(1) << (drop - 1));
}

inline double add(double a, double b) {
  const double s = a + b;
  if (!at_midpoint(s)) return round_p(s);
  const double bb = s - a;
  const double err = (a - (s - bb)) + (b - bb);  // TwoSum: a + b = s + err exactly
  return round_midpoint(s, sign_of(err));
}
inline double mul(double a, double b) {
  const double p = a * b;
  if (std::abs(p) < 0x1p-900 && a != 0 && b != 0) left_range = true;
  if (!at_midpoint(p)) return round_p(p);
  const double e = std::fma(a, b, -p);  // a b = p + e exactly
  return round_midpoint(p, sign_of(e));
}
inline double div(double a, double b) {
  const double q = a / b;
  if (!std::isfinite(q) || (std::abs(q) < 0x1p-900 && a != 0)) {
    left_range = true;
    return q;
  }
  if (!at_midpoint(q)) return round_p(q);
  const double r = std::fma(-q, b, a);  // exact remainder: a / b - q has the sign of r / b
  return round_midpoint(q, sign_of(r) * sign_of(b));
}
inline double exp(double x) {
  if (x == 0) return 1;
  if (!(x > -700 && x < 700)) {
    left_range = true;
    return round_p(std::exp(x));
  }
  const double e = std::exp(x);  // positive, normal: |x| < 700
  // Two double ulps either way (at a power of two, below it the ulps are half as large).
  const std::uint64_t eb = std::bit_cast<std::uint64_t>(e);
  const double lo = std::bit_cast<double>(eb - 2);
  const double hi = std::bit_cast<double>(eb + 2);
  const double rlo = round_p(lo), rhi = round_p(hi);
  if (rlo == rhi) return rlo;
  // The rare case (common only near 52 bits): MPFR decides. The softmax's exponents
  // repeat (scores of exact pointers are small integers times lambda), so the answers are
  // kept in a small direct-mapped cache keyed by the argument's bits and the precision.
  struct Entry {
    std::uint64_t x = 0;
    int precision = 0;
    double value = 0;
  };
  thread_local Entry cache[256];
  const std::uint64_t xb = std::bit_cast<std::uint64_t>(x);
  Entry& slot = cache[(xb ^ (xb >> 29) ^ (xb >> 47)) & 255];
  if (slot.precision == precision && slot.x == xb) return slot.value;
  mpfr_t y;
  mpfr_init2(y, precision);
  mpfr_set_d(y, x, MPFR_RNDN);  // exact: x has at most 52 bits
  mpfr_exp(y, y, MPFR_RNDN);
  const double out = mpfr_get_d(y, MPFR_RNDN);  // exact: P bits, in double's range
  mpfr_clear(y);
  slot = Entry{xb, precision, out};
  return out;
}

// The double carrier of NarrowScalar (narrow_scalar.hpp).
struct DoubleCarrier {
  using type = double;
  static double round(double x) { return round_p(x); }
  static double add(double a, double b) { return narrow::add(a, b); }
  static double mul(double a, double b) { return narrow::mul(a, b); }
  static double div(double a, double b) { return narrow::div(a, b); }
  static double exp(double x) { return narrow::exp(x); }
  static double from_rational(const Rational& q) {
    mpfr_t x;
    mpfr_init2(x, precision);
    mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
    const double d = mpfr_get_d(x, MPFR_RNDN);
    if (mpfr_number_p(x) && !mpfr_zero_p(x) && (mpfr_get_exp(x) < -899 || mpfr_get_exp(x) > 1000)) left_range = true;
    mpfr_clear(x);
    return d;
  }
};
}  // namespace narrow

using NarrowMpfr = NarrowScalar<narrow::DoubleCarrier>;

}  // namespace loopcert
