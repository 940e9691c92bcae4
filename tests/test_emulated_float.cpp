// Unit tests for src/core/emulated_float.hpp: known values of each format, ties to
// even, subnormals, overflow (including the documented fp8e4m3 rule: NaN above 464),
// signed zero, NaN, the Emulated<F> operators and std::numeric_limits.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "core/emulated_float.hpp"

using namespace loopcert;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

double p2(int k) { return std::ldexp(1.0, k); }

double rf(double x, const FormatSpec& f) { return round_to_format(x, f); }

// Bitwise identity (distinguishes -0 from +0); any NaN matches any NaN.
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Independent, slow reference: scale to an integer grid and use nearbyint (RNE in the
// default rounding mode), with IEEE overflow (NaN for formats without inf).
double reference_round(double x, const FormatSpec& f) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return f.has_inf ? x : kNaN;
  if (x == 0) return x;
  const int e = std::max(std::ilogb(x), f.emin);
  const int q = e - (f.precision - 1);  // exponent of the grid spacing
  const double r = std::ldexp(std::nearbyint(std::ldexp(x, -q)), q);
  if (std::fabs(r) > f.max_finite) return f.has_inf ? std::copysign(kInf, x) : kNaN;
  return r;
}

}  // namespace

TEST_CASE("fp16 known values", "[emulated]") {
  const auto& F = formats::fp16;
  CHECK(rf(65504.0, F) == 65504.0);
  CHECK(rf(65519.99, F) == 65504.0);
  CHECK(rf(65520.0, F) == kInf);  // max + ulp/2 is a tie with an odd max: rounds to inf
  CHECK(rf(-65520.0, F) == -kInf);
  CHECK(rf(1e10, F) == kInf);
  CHECK(rf(2049.0, F) == 2048.0);  // tie, 2048 even
  CHECK(rf(2051.0, F) == 2052.0);  // tie, 2052 even
  CHECK(rf(1.0 + p2(-11), F) == 1.0);
  CHECK(rf(1.0 + 3 * p2(-11), F) == 1.0 + p2(-9));
  CHECK(rf(1.0 + p2(-11) + p2(-40), F) == 1.0 + p2(-10));
  CHECK(rf(0.1, F) == 0.0999755859375);
  // Subnormals: spacing 2^-24.
  CHECK(rf(p2(-24), F) == p2(-24));
  CHECK(same(rf(p2(-25), F), 0.0));                  // half the smallest subnormal: tie to 0
  CHECK(rf(std::nextafter(p2(-25), 1.0), F) == p2(-24));
  CHECK(rf(3 * p2(-26), F) == p2(-24));
  CHECK(rf(3 * p2(-25), F) == p2(-23));  // 1.5 * 2^-24: tie to 2 * 2^-24
  CHECK(rf(5 * p2(-25), F) == p2(-23));  // 2.5 * 2^-24: tie to 2 * 2^-24
  CHECK(rf(1023 * p2(-24), F) == 1023 * p2(-24));  // largest subnormal
  CHECK(rf(p2(-14) - p2(-25), F) == p2(-14));      // tie to the smallest normal (even)
  CHECK(rf(p2(-14), F) == p2(-14));
  CHECK(rf(1e-300, F) == 0.0);
  CHECK(rf(std::numeric_limits<double>::denorm_min(), F) == 0.0);
}

TEST_CASE("bf16 and tf32 known values", "[emulated]") {
  const auto& B = formats::bf16;
  CHECK(rf(1.0 + p2(-8), B) == 1.0);                 // tie to even
  CHECK(rf(1.0 + 3 * p2(-8), B) == 1.0 + p2(-6));    // tie: 1+2^-7 is odd
  CHECK(rf(1.0 + p2(-8) + p2(-52), B) == 1.0 + p2(-7));
  CHECK(rf(3.14159, B) == 3.140625);
  CHECK(rf(0x1.fep+127, B) == 0x1.fep+127);
  CHECK(rf(0x1.ffp+127, B) == kInf);                 // max + ulp/2
  CHECK(rf(std::nextafter(0x1.ffp+127, 0.0), B) == 0x1.fep+127);
  CHECK(rf(double(std::numeric_limits<float>::max()), B) == kInf);
  CHECK(rf(p2(-133), B) == p2(-133));                // smallest subnormal
  CHECK(same(rf(p2(-134), B), 0.0));
  CHECK(rf(3 * p2(-135), B) == p2(-133));
  CHECK(rf(p2(-126), B) == p2(-126));

  const auto& T = formats::tf32;
  CHECK(rf(1.0 + p2(-11), T) == 1.0);
  CHECK(rf(1.0 + 3 * p2(-11), T) == 1.0 + p2(-9));
  CHECK(rf(0x1.ffcp+127, T) == 0x1.ffcp+127);
  CHECK(rf(0x1.ffep+127, T) == kInf);
  CHECK(rf(p2(-136), T) == p2(-136));
  CHECK(same(rf(p2(-137), T), 0.0));
  CHECK(rf(1e38, T) == 0x1.2dp+126);  // 1e38 = 0x1.2ced32a16a1b1p+126
}

TEST_CASE("fp8e4m3 known values and the overflow rule", "[emulated]") {
  const auto& F = formats::fp8e4m3;
  CHECK(rf(448.0, F) == 448.0);
  CHECK(rf(-448.0, F) == -448.0);
  CHECK(rf(450.0, F) == 448.0);
  CHECK(rf(464.0, F) == 448.0);  // documented rule: the tie 464 goes to the even 448
  CHECK(std::isnan(rf(std::nextafter(464.0, 1e9), F)));  // above 464: NaN
  CHECK(std::isnan(rf(480.0, F)));  // 1.111b * 2^8 is NaN in E4M3
  CHECK(std::isnan(rf(-500.0, F)));
  CHECK(std::isnan(rf(kInf, F)));   // no infinities
  CHECK(std::isnan(rf(-kInf, F)));
  CHECK(rf(240.0, F) == 240.0);
  CHECK(rf(0.3, F) == 0.3125);
  CHECK(rf(1.0 + p2(-4), F) == 1.0);             // tie to even
  CHECK(rf(1.0 + 3 * p2(-4), F) == 1.0 + p2(-2));
  CHECK(rf(p2(-9), F) == p2(-9));                 // smallest subnormal
  CHECK(same(rf(p2(-10), F), 0.0));
  CHECK(same(rf(-p2(-10), F), -0.0));
  CHECK(rf(3 * p2(-11), F) == p2(-9));
  CHECK(rf(7 * p2(-9), F) == 7 * p2(-9));        // largest subnormal
  CHECK(rf(p2(-6), F) == p2(-6));                 // smallest normal
  CHECK(rf(15 * p2(-10), F) == p2(-6));           // 7.5 * 2^-9: tie to 8 * 2^-9
}

TEST_CASE("fp8e5m2 known values", "[emulated]") {
  const auto& F = formats::fp8e5m2;
  CHECK(rf(57344.0, F) == 57344.0);
  CHECK(rf(61439.0, F) == 57344.0);
  CHECK(rf(61440.0, F) == kInf);  // tie: 57344 = 1.11b * 2^15 is odd
  CHECK(rf(-61440.0, F) == -kInf);
  CHECK(rf(kInf, F) == kInf);
  CHECK(rf(1.0 + p2(-3), F) == 1.0);
  CHECK(rf(1.0 + 3 * p2(-3), F) == 1.5);
  CHECK(rf(p2(-16), F) == p2(-16));
  CHECK(same(rf(p2(-17), F), 0.0));
  CHECK(rf(3 * p2(-18), F) == p2(-16));
  CHECK(rf(p2(-14), F) == p2(-14));
  CHECK(rf(0.1, F) == 0.09375);
}

TEST_CASE("signed zero and NaN", "[emulated]") {
  for (const FormatSpec* f : formats::all) {
    INFO(f->name);
    CHECK(same(rf(0.0, *f), 0.0));
    CHECK(same(rf(-0.0, *f), -0.0));
    CHECK(same(rf(-1e-300, *f), -0.0));
    CHECK(same(rf(-std::numeric_limits<double>::denorm_min(), *f), -0.0));
    CHECK(std::isnan(rf(kNaN, *f)));
    CHECK(std::isnan(rf(-kNaN, *f)));
    CHECK(same(rf(1.0, *f), 1.0));
    CHECK(same(rf(-1.0, *f), -1.0));
  }
  // NaN payload propagates unchanged.
  const double payload = std::bit_cast<double>(std::uint64_t(0x7FF8000000001234ull));
  CHECK(std::bit_cast<std::uint64_t>(rf(payload, formats::fp16)) == 0x7FF8000000001234ull);
}

TEST_CASE("round_to_format agrees with a slow nearbyint reference", "[emulated]") {
  std::mt19937_64 rng(12345);
  for (const FormatSpec* f : formats::all) {
    INFO(f->name);
    long bad = 0;
    for (int i = 0; i < 200000; ++i) {
      double x;
      const int kind = i % 3;
      if (kind == 0) {  // any double bit pattern
        x = std::bit_cast<double>(rng());
      } else {  // doubles near the format's range, with few significand bits (ties)
        const int e = int(rng() % std::uint64_t(f->emax - f->emin + f->precision + 6)) +
                      (f->emin - f->precision - 3);
        const int bits = kind == 1 ? f->precision + 1 : 52;
        const double m = double(rng() >> (64 - bits)) / p2(bits - 1);  // in [0, 2)
        x = std::ldexp(m, e) * ((rng() & 1) ? -1.0 : 1.0);
      }
      if (!same(rf(x, *f), reference_round(x, *f))) {
        if (++bad <= 5) UNSCOPED_INFO("mismatch at " << std::hexfloat << x);
      }
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("Emulated arithmetic rounds after every operation", "[emulated]") {
  fp16 one = 1.0, tiny = p2(-11), three_tiny = 3 * p2(-11);
  CHECK(static_cast<double>(one + tiny) == 1.0);
  CHECK(static_cast<double>(one + three_tiny) == 1.0 + p2(-9));
  CHECK(static_cast<double>(one - tiny) == 1.0 - p2(-11));  // exact: below 1 the spacing halves
  fp16 big = 60000.0;
  CHECK(std::isinf(static_cast<double>(big + big)));
  CHECK(static_cast<double>(big * fp16(0.5)) == 30000.0);
  CHECK(static_cast<double>(fp16(1) / fp16(3)) == rf(1.0 / 3.0, formats::fp16));
  CHECK(static_cast<double>(fp16(p2(-14)) * fp16(p2(-10))) == p2(-24));
  CHECK(static_cast<double>(fp16(p2(-14)) * fp16(p2(-11))) == 0.0);  // 2^-25: tie to 0

  fp16 acc = 0;
  for (int i = 0; i < 5000; ++i) acc += 1;
  CHECK(static_cast<double>(acc) == 2048.0);  // stagnation: 2048 + 1 ties back to 2048

  fp16 x = 2.0;
  x *= 3;
  x -= 1.0;
  x /= 2;
  CHECK(static_cast<double>(x) == 2.5);
  CHECK(static_cast<double>(-x) == -2.5);
  CHECK(same(static_cast<double>(-fp16(0.0)), -0.0));
  CHECK(same(static_cast<double>(fp16(1.0) - fp16(1.0)), 0.0));

  fp8e4m3 m = 448.0;
  CHECK(std::isnan(static_cast<double>(m + fp8e4m3(32.0))));  // 480: NaN
  CHECK(static_cast<double>(m + fp8e4m3(16.0)) == 448.0);     // 464: tie to 448
  CHECK(std::isnan(static_cast<double>(m * fp8e4m3(2))));
  CHECK(isnan(fp8e4m3(1.0) / fp8e4m3(0.0)));  // inf -> NaN
  CHECK(isinf(fp8e5m2(1.0) / fp8e5m2(0.0)));
  CHECK(isnan(fp16(0.0) / fp16(0.0)));
  CHECK(isnan(fp16(kInf) - fp16(kInf)));

  // Mixed operands are converted to the format first.
  CHECK(static_cast<double>(bf16(1.0) + 0.001) == 1.0);
  CHECK(static_cast<double>(2 * bf16(1.5)) == 3.0);
}

TEST_CASE("Emulated conversions round once", "[emulated]") {
  // 2^60 + 2^52 + 1: a plain (double) conversion would make it the tie 2^60 + 2^52.
  const long long n = (1LL << 60) + (1LL << 52) + 1;
  CHECK(static_cast<double>(bf16(n)) == p2(60) + p2(53));
  CHECK(static_cast<double>(bf16(-n)) == -(p2(60) + p2(53)));
  CHECK(static_cast<double>(bf16((1LL << 60) + (1LL << 52))) == p2(60));
  CHECK(static_cast<double>(bf16(std::numeric_limits<unsigned long long>::max())) == p2(64));
  CHECK(static_cast<double>(bf16(std::numeric_limits<long long>::min())) == -p2(63));
  CHECK(static_cast<double>(fp16(70000)) == kInf);
  CHECK(static_cast<double>(fp16(2049u)) == 2048.0);
  CHECK(static_cast<double>(fp16(2051)) == 2052.0);
  const long double ld = 1.0L + 0x1p-8L + 0x1p-60L;  // just above a bf16 tie
  CHECK(static_cast<double>(bf16(ld)) == 1.0 + p2(-7));
  CHECK(static_cast<double>(bf16(3.14159f)) == 3.140625);
  CHECK(static_cast<double>(fp8e4m3(fp16(0.3))) == 0.3125);
  CHECK(static_cast<double>(fp16(bf16(3.14159))) == 3.140625);
}

TEST_CASE("Emulated comparisons and functions", "[emulated]") {
  fp16 a = 1.5, b = 3;
  CHECK(a < b);
  CHECK(b > a);
  CHECK(a <= a);
  CHECK(a != b);
  CHECK(a == 1.5);
  CHECK(1.5 == a);
  CHECK(a < 2);
  CHECK(2.0 > a);
  CHECK(a > 1.4999);  // mixed comparisons are exact, the double is not rounded
  CHECK(fp16(0.0) == fp16(-0.0));
  fp16 nan = std::numeric_limits<fp16>::quiet_NaN();
  CHECK_FALSE(nan == nan);
  CHECK_FALSE(nan < a);
  CHECK(nan != nan);

  CHECK(static_cast<double>(exp(fp16(1.0))) == rf(std::exp(1.0), formats::fp16));
  CHECK(static_cast<double>(exp(fp16(12.0))) == kInf);
  CHECK(std::isnan(static_cast<double>(exp(fp8e4m3(7.0)))));  // 1096 overflows: NaN
  CHECK(static_cast<double>(log(fp16(2.0))) == rf(std::log(2.0), formats::fp16));
  CHECK(static_cast<double>(log(fp16(0.0))) == -kInf);
  CHECK(std::isnan(static_cast<double>(log(fp8e4m3(0.0)))));
  CHECK(static_cast<double>(sqrt(fp16(2.0))) == rf(std::sqrt(2.0), formats::fp16));
  CHECK(static_cast<double>(abs(fp16(-2.5))) == 2.5);
  CHECK(same(static_cast<double>(abs(fp16(-0.0))), 0.0));
  CHECK(static_cast<double>(max(a, b)) == 3.0);
  CHECK(static_cast<double>(min(a, b)) == 1.5);
  CHECK(static_cast<double>(max(a, 2.0)) == 2.0);
  {
    using std::exp;
    using std::max;
    CHECK(static_cast<double>(max(exp(a), b)) == 4.48046875);  // ADL with std in scope
  }
}

TEST_CASE("numeric_limits of the emulated formats", "[emulated]") {
  using L16 = std::numeric_limits<fp16>;
  STATIC_REQUIRE(L16::is_specialized);
  STATIC_REQUIRE(L16::digits == 11);
  STATIC_REQUIRE(L16::has_infinity);
  STATIC_REQUIRE(L16::has_quiet_NaN);
  STATIC_REQUIRE(L16::radix == 2);
  STATIC_REQUIRE(L16::min_exponent == -13);
  STATIC_REQUIRE(L16::max_exponent == 16);
  STATIC_REQUIRE(L16::digits10 == 3);
  STATIC_REQUIRE(L16::max_digits10 == 5);
  STATIC_REQUIRE(L16::max_exponent10 == 4);
  STATIC_REQUIRE(L16::min_exponent10 == -4);
  STATIC_REQUIRE(static_cast<double>(L16::max()) == 65504.0);
  STATIC_REQUIRE(static_cast<double>(L16::lowest()) == -65504.0);
  STATIC_REQUIRE(static_cast<double>(L16::min()) == 0x1p-14);
  STATIC_REQUIRE(static_cast<double>(L16::denorm_min()) == 0x1p-24);
  STATIC_REQUIRE(static_cast<double>(L16::epsilon()) == 0x1p-10);
  CHECK(std::isinf(static_cast<double>(L16::infinity())));
  CHECK(std::isnan(static_cast<double>(L16::quiet_NaN())));

  using L8 = std::numeric_limits<fp8e4m3>;
  STATIC_REQUIRE(!L8::has_infinity);
  STATIC_REQUIRE(L8::digits == 4);
  STATIC_REQUIRE(static_cast<double>(L8::max()) == 448.0);
  STATIC_REQUIRE(static_cast<double>(L8::denorm_min()) == 0x1p-9);
  STATIC_REQUIRE(static_cast<double>(L8::epsilon()) == 0.125);
  CHECK(std::isnan(static_cast<double>(L8::infinity())));

  STATIC_REQUIRE(static_cast<double>(std::numeric_limits<fp8e5m2>::max()) == 57344.0);
  STATIC_REQUIRE(static_cast<double>(std::numeric_limits<fp8e5m2>::denorm_min()) == 0x1p-16);
  STATIC_REQUIRE(static_cast<double>(std::numeric_limits<bf16>::max()) == 0x1.fep+127);
  STATIC_REQUIRE(static_cast<double>(std::numeric_limits<bf16>::denorm_min()) == 0x1p-133);
  STATIC_REQUIRE(std::numeric_limits<bf16>::max_exponent10 == 38);
  STATIC_REQUIRE(std::numeric_limits<bf16>::min_exponent10 == -37);
  STATIC_REQUIRE(static_cast<double>(std::numeric_limits<tf32>::epsilon()) == 0x1p-10);
  STATIC_REQUIRE(static_cast<double>(std::numeric_limits<tf32>::denorm_min()) == 0x1p-136);
}

TEST_CASE("formats are found by their DESIGN.md names", "[emulated]") {
  for (const char* n : {"bf16", "fp16", "tf32", "fp8e4m3", "fp8e5m2"}) {
    REQUIRE(find_format(n) != nullptr);
    CHECK(std::string_view(find_format(n)->name) == n);
  }
  CHECK(find_format("fp32") == nullptr);
  CHECK(find_format("fp16")->precision == 11);
}
