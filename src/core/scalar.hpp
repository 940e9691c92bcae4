// Scalar traits: what the evaluator needs of a number type, and nothing more. Every
// numerical template in loopcert is written against these, so the same code runs at
// float, double, long double, float128, MPFR at any precision, the emulated formats
// (bf16, fp16, tf32, fp8e4m3, fp8e5m2) and exact rationals.
#pragma once
#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <boost/multiprecision/float128.hpp>

#include "core/mpfr_real.hpp"
#include "core/rational.hpp"

namespace loopcert {

// Quad precision (113 significand bits), libquadmath through Boost.Multiprecision.
using Float128 = boost::multiprecision::float128;

// The emulated formats of core/emulated_float.hpp, declared here only: the traits below
// are templates, so this header does not need their definitions. A translation unit
// that runs an emulated format includes core/emulated_float.hpp *first* (its
// round_to_format calls pow2 unqualified, which is ambiguous with loopcert::pow2 of
// core/rational.hpp once that has been seen).
struct FormatSpec;
template <const FormatSpec& F>
class Emulated;

template <class T>
struct ScalarTraits;  // specialised below (and by the emulated formats)

// A type the evaluator can run at: it converts from exact rationals, compares, and
// has field arithmetic. Softmax additionally needs exp (ScalarTraits<T>::has_exp).
template <class T>
concept Scalar = requires(const T& a, const T& b, const Rational& q) {
  { ScalarTraits<T>::from_rational(q) } -> std::convertible_to<T>;
  { ScalarTraits<T>::to_double(a) } -> std::convertible_to<double>;
  { a + b } -> std::convertible_to<T>;
  { a * b } -> std::convertible_to<T>;
  { a / b } -> std::convertible_to<T>;
  { a < b } -> std::convertible_to<bool>;
};

template <class T>
  requires std::is_floating_point_v<T>
struct ScalarTraits<T> {
  static constexpr bool exact = false;
  static constexpr bool has_exp = true;
  static T from_rational(const Rational& q) {
    if constexpr (std::is_same_v<T, long double>) {
      // Round the numerator/denominator through MPFR at 64 bits for a correctly rounded value.
      MpfrPrecisionScope scope(64);
      MpfrReal x(q);
      return mpfr_get_ld(x.raw(), MPFR_RNDN);
    } else if constexpr (std::is_same_v<T, float>) {
      MpfrPrecisionScope scope(24);
      MpfrReal x(q);  // one rounding to 24 bits (no double rounding through double)
      return static_cast<float>(mpfr_get_d(x.raw(), MPFR_RNDN));
    } else {
      return static_cast<T>(loopcert::to_double(q));
    }
  }
  static double to_double(const T& x) { return static_cast<double>(x); }
  static T exp(const T& x) { return std::exp(x); }
  static bool is_finite(const T& x) { return std::isfinite(x); }
};

template <>
struct ScalarTraits<MpfrReal> {
  static constexpr bool exact = false;
  static constexpr bool has_exp = true;
  static MpfrReal from_rational(const Rational& q) { return MpfrReal(q); }
  static double to_double(const MpfrReal& x) { return static_cast<double>(x); }
  static MpfrReal exp(const MpfrReal& x) { return loopcert::exp(x); }
  static bool is_finite(const MpfrReal& x) { return loopcert::isfinite(x); }
};

template <>
struct ScalarTraits<Rational> {
  static constexpr bool exact = true;
  static constexpr bool has_exp = false;  // exact runs use hardmax attention
  static Rational from_rational(const Rational& q) { return q; }
  static double to_double(const Rational& x) { return loopcert::to_double(x); }
  static Rational exp(const Rational&);  // not defined: never called (has_exp is false)
  static bool is_finite(const Rational&) { return true; }
};

namespace detail {
// q rounded to 53 bits *to odd* (round toward zero, then set the last bit if inexact):
// rounding this double once more to any format of at most 51 bits gives the correctly
// rounded value of q in that format (Boldo and Melquiond, "When double rounding is odd").
inline double rational_to_double_odd(const Rational& q) {
  mpfr_t x;
  mpfr_init2(x, 53);
  const int inexact = mpfr_set_q(x, q.backend().data(), MPFR_RNDZ);
  double d = mpfr_get_d(x, MPFR_RNDZ);
  mpfr_clear(x);
  if (inexact != 0 && std::isfinite(d) && d != 0 && (std::bit_cast<std::uint64_t>(d) & 1) == 0)
    d = std::bit_cast<double>(std::bit_cast<std::uint64_t>(d) + 1);  // away from zero: inexact, so the magnitude was cut
  return d;
}

// exp found by argument-dependent lookup (the emulated formats' exp is a hidden friend).
template <class E>
E adl_exp(const E& x) {
  return exp(x);
}
}  // namespace detail

// Emulated formats: stored as a double that is representable in the format; every
// operation computes in double and rounds once (core/emulated_float.hpp). exp is the C
// library's double exp, rounded once to the format (within 1 ulp of the correctly
// rounded value). Weights convert from exact rationals with a single correct rounding.
template <const FormatSpec& F>
struct ScalarTraits<Emulated<F>> {
  using E = Emulated<F>;
  static constexpr bool exact = false;
  static constexpr bool has_exp = true;
  static E from_rational(const Rational& q) { return E(detail::rational_to_double_odd(q)); }
  static double to_double(const E& x) { return x.value(); }
  static E exp(const E& x) { return detail::adl_exp(x); }
  static bool is_finite(const E& x) { return std::isfinite(x.value()); }
};

// float128: weights are rounded once (MPFR at 113 bits), exp is libquadmath's expq.
template <>
struct ScalarTraits<Float128> {
  static constexpr bool exact = false;
  static constexpr bool has_exp = true;
  static Float128 from_rational(const Rational& q) {
    mpfr_t x;
    mpfr_init2(x, 113);
    mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
    Float128 out = 0;
    if (mpfr_zero_p(x)) {
      out = 0;
    } else if (!mpfr_number_p(x)) {
      out = mpfr_nan_p(x) ? std::numeric_limits<Float128>::quiet_NaN()
                          : (mpfr_sgn(x) > 0 ? std::numeric_limits<Float128>::infinity() : -std::numeric_limits<Float128>::infinity());
    } else {
      // x = m 2^e with |m| < 2^113: m in two 64-bit halves, each exact in float128.
      mpz_t m;
      mpz_init(m);
      const long e = mpfr_get_z_2exp(m, x);
      const bool negative = mpz_sgn(m) < 0;
      mpz_abs(m, m);
      mpz_t part;
      mpz_init(part);
      mpz_fdiv_q_2exp(part, m, 64);
      const unsigned long long hi = mpz_get_ui(part);
      mpz_fdiv_r_2exp(part, m, 64);
      const unsigned long long lo = mpz_get_ui(part);
      mpz_clear(part);
      mpz_clear(m);
      out = boost::multiprecision::ldexp(Float128(hi), 64) + Float128(lo);  // exact: < 2^113
      out = boost::multiprecision::ldexp(out, static_cast<int>(e));
      if (negative) out = -out;
    }
    mpfr_clear(x);
    return out;
  }
  static double to_double(const Float128& x) { return static_cast<double>(x); }
  static Float128 exp(const Float128& x) { return boost::multiprecision::exp(x); }
  static bool is_finite(const Float128& x) { return boost::multiprecision::isfinite(x); }
};

template <class T>
inline T relu(const T& x) {
  return x < T(0) ? T(0) : x;  // a NaN passes through, so it is reported, not hidden
}

}  // namespace loopcert
