// Scalar traits: what the evaluator needs of a number type, and nothing more. Every
// numerical template in loopcert is written against these, so the same code runs at
// float, double, long double, MPFR at any precision and exact rationals.
#pragma once
#include <cmath>
#include <concepts>
#include <type_traits>

#include "core/mpfr_real.hpp"
#include "core/rational.hpp"

namespace loopcert {

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

template <class T>
inline T relu(const T& x) {
  return x < T(0) ? T(0) : x;  // a NaN passes through, so it is reported, not hidden
}

}  // namespace loopcert
