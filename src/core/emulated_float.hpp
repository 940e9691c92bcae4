// Emulated low-precision binary floating-point formats (DESIGN.md section 4).
//
// Approach (CPFloat / chop): every value is stored as a double that is exactly
// representable in the target format; each operation is computed in double and the
// double result is rounded to the format with round-to-nearest, ties-to-even (RNE),
// honouring the format's precision, exponent range, gradual underflow (subnormals)
// and overflow.
//
// Why double-then-format rounding is exact for + - * / sqrt
// ----------------------------------------------------------
// Let a, b be p-bit values of the format (p <= 11 here; the argument holds for
// p <= 25).  The double result RN53(a op b) is the correctly rounded 53-bit result
// (double never under- or overflows for these operands: |a|,|b| lie in
// [2^-133, 2^128], so products/quotients stay within [2^-266, 2^261]).  Rounding twice
// (first to 53 bits, then to p bits) equals rounding once to p bits whenever
// 53 >= 2p + 2 (Figueroa, "When is double rounding innocuous?", SIGNUM 1995) -- here
// 53 >= 2*11 + 2 = 24, with plenty of margin.  The same holds in the format's
// subnormal range: sums/differences/products that land there are exact in double,
// and an exact quotient or square root that is not itself a midpoint of the target
// grid is at relative distance > 2^-(2p+2) from every midpoint, so a 2^-53 relative
// double rounding error can never move it onto or across one (midpoints and grid
// points are themselves doubles and RN53 is monotone).  Hence the emulated
// + - * / sqrt are correctly rounded in the format.
//
// exp and log are computed with the C library's double exp/log (not guaranteed
// correctly rounded) and then rounded once: the result is within 1 ulp of the
// correctly rounded one, and differs from it only if the exact value lies within
// about one double ulp of a midpoint of the format (measured against MPFR in
// properties/emulated_float.cpp).
//
// fp8e4m3 (OCP 8-bit floating point, E4M3 "fn" variant) has no infinities: bit
// pattern S.1111.111 is NaN, so the largest finite value is 1.75 * 2^8 = 448 and the
// exponent-8 significand 1.111 (480) does not exist.  Chosen overflow rule: OCP
// non-saturating mode with IEEE 754 overflow semantics, i.e. round to nearest even
// as if the exponent range were unbounded (so the grid near the top still contains
// 480) and return NaN if the rounded magnitude exceeds 448.  Consequently
//   |x| <  464           -> rounds normally (at most 448),
//   |x| == 464 (the tie)  -> 448 (448 = 1.110b*2^8 has the even significand),
//   |x| >  464           -> NaN, and +-inf -> NaN (conversion of infinity).
// This agrees with ml_dtypes' float8_e4m3fn conversion and with MPFR at precision 4
// and exponent range [-6, 8] (IEEE convention) once finite results above 448 and
// infinities are mapped to NaN.  For the other formats overflow follows IEEE 754:
// |x| >= max_finite + ulp/2 rounds to +-inf.
#pragma once

#include <bit>
#include <compare>
#include <concepts>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string_view>

namespace loopcert {

struct FormatSpec {
  const char* name;
  int precision;      // significand bits including the hidden bit
  int emin;           // exponent of the smallest normal, x = m * 2^e with 1 <= m < 2
  int emax;           // exponent of the largest binade
  bool has_inf;       // false for fp8e4m3: overflow gives NaN
  double max_finite;  // largest finite value
};

namespace formats {
inline constexpr FormatSpec bf16{"bf16", 8, -126, 127, true, 0x1.fep+127};
inline constexpr FormatSpec fp16{"fp16", 11, -14, 15, true, 0x1.ffcp+15};  // 65504
inline constexpr FormatSpec tf32{"tf32", 11, -126, 127, true, 0x1.ffcp+127};
// OCP E4M3 (no infinities, overflow -> NaN; see the file comment).
inline constexpr FormatSpec fp8e4m3{"fp8e4m3", 4, -6, 8, false, 0x1.cp+8};  // 448
inline constexpr FormatSpec fp8e5m2{"fp8e5m2", 3, -14, 15, true, 0x1.cp+15};  // 57344

inline constexpr const FormatSpec* all[] = {&bf16, &fp16, &tf32, &fp8e4m3, &fp8e5m2};
}  // namespace formats

// The format with this DESIGN.md name ("bf16", "fp16", ...), or nullptr.
inline const FormatSpec* find_format(std::string_view name) {
  for (const FormatSpec* f : formats::all)
    if (name == f->name) return f;
  return nullptr;
}

namespace detail {
inline constexpr std::uint64_t kSign = 0x8000000000000000ull;
inline constexpr std::uint64_t kExpMask = 0x7FF0000000000000ull;
inline constexpr std::uint64_t kMantMask = 0x000FFFFFFFFFFFFFull;
inline constexpr std::uint64_t kHidden = 0x0010000000000000ull;

// Bit pattern of 2^k for a normal double exponent k.
constexpr std::uint64_t pow2_bits(int k) { return std::uint64_t(k + 1023) << 52; }
constexpr double pow2(int k) { return std::bit_cast<double>(pow2_bits(k)); }
}  // namespace detail

// Round a double to the format with round-to-nearest-even: exact (single) rounding of
// the double's value, gradual underflow with spacing 2^(emin-p+1), overflow to +-inf
// (or NaN for formats without inf), NaN propagation, signed zero preserved.
// A handful of integer operations and two or three well-predicted branches.
constexpr double round_to_format(double x, const FormatSpec& f) {
  using namespace detail;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t sign = bits & kSign;
  const std::uint64_t a = bits ^ sign;  // |x|

  if (a >= pow2_bits(f.emin)) {  // normal range of the format (or beyond)
    if (a >= kExpMask) {         // inf or NaN
      if (a > kExpMask || f.has_inf) return x;
      return std::numeric_limits<double>::quiet_NaN();
    }
    // RNE on the bit pattern: drop the low d = 53-p significand bits.  A carry out of
    // the significand increments the exponent, which is exactly the unbounded-exponent
    // rounding; overflow is then a comparison with max_finite.
    const int d = 53 - f.precision;
    const std::uint64_t half_m1 = (std::uint64_t(1) << (d - 1)) - 1;
    const std::uint64_t r = (a + half_m1 + ((a >> d) & 1)) & ~((std::uint64_t(1) << d) - 1);
    if (r > std::bit_cast<std::uint64_t>(f.max_finite)) {
      if (!f.has_inf) return std::numeric_limits<double>::quiet_NaN();
      return std::bit_cast<double>(sign | kExpMask);
    }
    return std::bit_cast<double>(sign | r);
  }

  // Below 2^emin: the grid is the multiples of 2^(emin-p+1).  |x| <= 2^(emin-p) (half
  // the smallest subnormal; the tie goes to the even value 0) rounds to a signed zero.
  // This also covers every double subnormal, since 2^(emin-p) >= 2^-134.
  if (a <= pow2_bits(f.emin - f.precision)) return std::bit_cast<double>(sign);
  // Now |x| = m * 2^(e-52) with a 53-bit integer m and emin-p <= e < emin; round
  // m / 2^s to an integer with s = (emin-p+1) - (e-52), 54-p <= s <= 53.
  const int e = int(a >> 52) - 1023;
  const std::uint64_t m = (a & kMantMask) | kHidden;
  const int s = f.emin - f.precision + 53 - e;
  const std::uint64_t q =
      (m + ((std::uint64_t(1) << (s - 1)) - 1) + ((m >> s) & 1)) >> s;  // q <= 2^(p-1)
  const double r = double(q) * detail::pow2(f.emin - f.precision + 1);         // exact
  return std::bit_cast<double>(sign | std::bit_cast<std::uint64_t>(r));
}

namespace detail {
// Integer -> double rounded to odd (sticky bit) so that the following rounding to the
// format (p <= 51) is a single correct rounding of the integer.
template <std::integral I>
  requires(sizeof(I) <= 8)
constexpr double int_to_double_odd(I i) {
  if constexpr (sizeof(I) < 8) {
    return static_cast<double>(i);  // exact
  } else {
    const bool neg = i < 0;
    std::uint64_t u = neg ? std::uint64_t(0) - std::uint64_t(i) : std::uint64_t(i);
    double scale = 1.0;
    if (u >> 53) {
      const int k = std::bit_width(u) - 53;
      const std::uint64_t sticky = (u & ((std::uint64_t(1) << k) - 1)) != 0;
      u = (u >> k) | sticky;
      scale = loopcert::detail::pow2(k);  // qualified: loopcert::pow2 (rational.hpp) would be ambiguous
    }
    const double d = static_cast<double>(u) * scale;  // exact
    return neg ? -d : d;
  }
}

// long double -> double rounded to odd (same purpose).
inline double long_double_to_double_odd(long double x) {
  double d = static_cast<double>(x);
  if (std::isfinite(d) && static_cast<long double>(d) != x &&
      (std::bit_cast<std::uint64_t>(d) & 1) == 0)
    d = std::nextafter(d, x < d ? -std::numeric_limits<double>::infinity()
                                : std::numeric_limits<double>::infinity());
  return d;
}
}  // namespace detail

// A scalar of format F: stores a double that is always representable in F.
// Construction from double/integers/long double rounds (once) to F; every operation
// is a double operation followed by one rounding to F.  Mixed operations with a double
// or integer first convert that operand to F (as `T(c)` would in generic code);
// mixed comparisons with a double compare exactly, without rounding the double.
template <const FormatSpec& F>
class Emulated {
  static_assert(F.precision >= 2 && F.precision <= 25,
                "double rounding is only innocuous for p <= 25");
  double v_ = 0.0;

 public:
  static constexpr const FormatSpec& format = F;

  constexpr Emulated() noexcept = default;
  constexpr Emulated(double x) noexcept : v_(round_to_format(x, F)) {}
  constexpr Emulated(float x) noexcept : v_(round_to_format(double(x), F)) {}
  Emulated(long double x) noexcept
      : v_(round_to_format(detail::long_double_to_double_odd(x), F)) {}
  template <std::integral I>
    requires(sizeof(I) <= 8)
  constexpr Emulated(I i) noexcept : v_(round_to_format(detail::int_to_double_odd(i), F)) {}
  template <const FormatSpec& G>
  constexpr explicit Emulated(Emulated<G> o) noexcept
      : v_(round_to_format(static_cast<double>(o), F)) {}

  constexpr explicit operator double() const noexcept { return v_; }
  constexpr explicit operator float() const noexcept { return float(v_); }
  constexpr double value() const noexcept { return v_; }

  // Arithmetic: one double operation, one rounding.
  friend constexpr Emulated operator+(Emulated a, Emulated b) noexcept { return Emulated(a.v_ + b.v_); }
  friend constexpr Emulated operator-(Emulated a, Emulated b) noexcept { return Emulated(a.v_ - b.v_); }
  friend constexpr Emulated operator*(Emulated a, Emulated b) noexcept { return Emulated(a.v_ * b.v_); }
  friend constexpr Emulated operator/(Emulated a, Emulated b) noexcept { return Emulated(a.v_ / b.v_); }
  constexpr Emulated& operator+=(Emulated b) noexcept { return *this = *this + b; }
  constexpr Emulated& operator-=(Emulated b) noexcept { return *this = *this - b; }
  constexpr Emulated& operator*=(Emulated b) noexcept { return *this = *this * b; }
  constexpr Emulated& operator/=(Emulated b) noexcept { return *this = *this / b; }
  constexpr Emulated operator-() const noexcept { Emulated r; r.v_ = -v_; return r; }  // exact
  constexpr Emulated operator+() const noexcept { return *this; }

  // Comparisons (IEEE semantics: NaN is unordered, -0 == +0).
  friend constexpr bool operator==(Emulated a, Emulated b) noexcept { return a.v_ == b.v_; }
  friend constexpr std::partial_ordering operator<=>(Emulated a, Emulated b) noexcept { return a.v_ <=> b.v_; }
  friend constexpr bool operator==(Emulated a, double b) noexcept { return a.v_ == b; }
  friend constexpr std::partial_ordering operator<=>(Emulated a, double b) noexcept { return a.v_ <=> b; }

  // Elementary functions (found by ADL): computed in double, rounded once.
  friend Emulated exp(Emulated a) noexcept { return Emulated(std::exp(a.v_)); }
  friend Emulated log(Emulated a) noexcept { return Emulated(std::log(a.v_)); }
  friend Emulated sqrt(Emulated a) noexcept { return Emulated(std::sqrt(a.v_)); }  // correctly rounded
  friend constexpr Emulated abs(Emulated a) noexcept {  // clears the sign bit (also of -0, NaN)
    Emulated r;
    r.v_ = std::bit_cast<double>(std::bit_cast<std::uint64_t>(a.v_) & ~detail::kSign);
    return r;
  }
  friend constexpr Emulated fabs(Emulated a) noexcept { return abs(a); }
  // Same semantics as std::max/std::min on double ((a < b) ? b : a), so emulated runs
  // take the same branches as the double code (NaN handling included).
  friend constexpr Emulated max(Emulated a, Emulated b) noexcept { return (a.v_ < b.v_) ? b : a; }
  friend constexpr Emulated min(Emulated a, Emulated b) noexcept { return (b.v_ < a.v_) ? b : a; }
  friend constexpr bool isnan(Emulated a) noexcept { return a.v_ != a.v_; }
  friend bool isinf(Emulated a) noexcept { return std::isinf(a.v_); }
  friend bool isfinite(Emulated a) noexcept { return std::isfinite(a.v_); }
  friend bool signbit(Emulated a) noexcept { return std::signbit(a.v_); }

  friend std::ostream& operator<<(std::ostream& os, Emulated a) { return os << a.v_; }
};

using bf16 = Emulated<formats::bf16>;
using fp16 = Emulated<formats::fp16>;
using tf32 = Emulated<formats::tf32>;
using fp8e4m3 = Emulated<formats::fp8e4m3>;
using fp8e5m2 = Emulated<formats::fp8e5m2>;

namespace detail {
// Largest n with 10^n <= x (x >= 1) / smallest n with 10^n >= x (0 < x < 1).
constexpr int floor_log10(double x) {
  int n = 0;
  double p = 10.0;
  while (p <= x) { p *= 10.0; ++n; }
  return n;
}
constexpr int ceil_log10_small(double x) {
  int n = 0;
  double p = 0.1;
  while (p >= x) { p /= 10.0; --n; }
  return n;
}
}  // namespace detail

}  // namespace loopcert

template <const loopcert::FormatSpec& F>
class std::numeric_limits<loopcert::Emulated<F>> {
  using T = loopcert::Emulated<F>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = F.has_inf;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_signaling_NaN = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_present;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style = std::round_to_nearest;
  static constexpr bool is_iec559 = false;  // emulated; fp8e4m3 and bf16 are not IEEE formats
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = F.precision;
  // floor((p-1) log10 2) and ceil(p log10 2 + 1), with log10 2 ~ 0.30103.
  static constexpr int digits10 = (F.precision - 1) * 30103 / 100000;
  static constexpr int max_digits10 = (F.precision * 30103 + 99999) / 100000 + 1;
  static constexpr int radix = 2;
  static constexpr int min_exponent = F.emin + 1;  // C convention: 0.5 <= m < 1
  static constexpr int max_exponent = F.emax + 1;
  static constexpr int min_exponent10 = loopcert::detail::ceil_log10_small(loopcert::detail::pow2(F.emin));
  static constexpr int max_exponent10 = loopcert::detail::floor_log10(F.max_finite);
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  static constexpr T min() noexcept { return T(loopcert::detail::pow2(F.emin)); }
  static constexpr T lowest() noexcept { return T(-F.max_finite); }
  static constexpr T max() noexcept { return T(F.max_finite); }
  static constexpr T epsilon() noexcept { return T(loopcert::detail::pow2(1 - F.precision)); }
  static constexpr T round_error() noexcept { return T(0.5); }
  // Without infinities (fp8e4m3) this is NaN: what converting a double infinity or
  // overflowing gives in that format.
  static constexpr T infinity() noexcept {
    return F.has_inf ? T(std::numeric_limits<double>::infinity()) : quiet_NaN();
  }
  static constexpr T quiet_NaN() noexcept { return T(std::numeric_limits<double>::quiet_NaN()); }
  static constexpr T signaling_NaN() noexcept { return quiet_NaN(); }
  static constexpr T denorm_min() noexcept {
    return T(loopcert::detail::pow2(F.emin - F.precision + 1));
  }
};
