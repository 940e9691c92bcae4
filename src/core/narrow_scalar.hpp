// NarrowScalar<Carrier>: a scalar type whose every operation is MPFR's at the thread's
// precision, computed in a hardware carrier (narrow_mpfr.hpp: double for P <= 52;
// narrow_mpfr_ld.hpp: x87 long double for 53 <= P <= 63). The carrier supplies the
// correctly rounded operations; this class only gives them the arithmetic operators,
// comparisons and ScalarTraits that the evaluator's templates use, once for both.
//
// Carrier: `type` (the hardware format), round (RN_P of a carrier value), add, mul, div,
// exp (each RN_P of the exact result), and from_rational (RN_P of an exact rational).
// Results outside the range where the carrier is exact set the thread's flag
// (narrow::left_range); the run is then redone with MPFR.
#pragma once
#include <cmath>
#include <concepts>

#include "core/rational.hpp"
#include "core/scalar.hpp"

namespace loopcert {

template <class Carrier>
class NarrowScalar {
  using V = typename Carrier::type;
  V v_ = 0;
  struct Raw {};
  constexpr NarrowScalar(V v, Raw) : v_(v) {}

 public:
  NarrowScalar() = default;
  NarrowScalar(double x) : v_(Carrier::round(static_cast<V>(x))) {}
  template <std::integral I>
  NarrowScalar(I i) : v_(Carrier::round(static_cast<V>(i))) {}  // |i| < 2^53 wherever the evaluator converts
  // A carrier value that already has at most P significant bits.
  static NarrowScalar raw(V v) { return NarrowScalar(v, Raw{}); }
  V value() const { return v_; }
  explicit operator double() const { return static_cast<double>(v_); }

  friend NarrowScalar operator+(NarrowScalar a, NarrowScalar b) { return raw(Carrier::add(a.v_, b.v_)); }
  friend NarrowScalar operator-(NarrowScalar a, NarrowScalar b) { return raw(Carrier::add(a.v_, -b.v_)); }
  friend NarrowScalar operator*(NarrowScalar a, NarrowScalar b) { return raw(Carrier::mul(a.v_, b.v_)); }
  friend NarrowScalar operator/(NarrowScalar a, NarrowScalar b) { return raw(Carrier::div(a.v_, b.v_)); }
  NarrowScalar& operator+=(NarrowScalar b) { return *this = *this + b; }
  NarrowScalar& operator-=(NarrowScalar b) { return *this = *this - b; }
  NarrowScalar& operator*=(NarrowScalar b) { return *this = *this * b; }
  NarrowScalar& operator/=(NarrowScalar b) { return *this = *this / b; }
  NarrowScalar operator-() const { return raw(-v_); }
  NarrowScalar operator+() const { return *this; }

  friend bool operator==(NarrowScalar a, NarrowScalar b) { return a.v_ == b.v_; }
  friend bool operator!=(NarrowScalar a, NarrowScalar b) { return a.v_ != b.v_; }
  friend bool operator<(NarrowScalar a, NarrowScalar b) { return a.v_ < b.v_; }
  friend bool operator>(NarrowScalar a, NarrowScalar b) { return a.v_ > b.v_; }
  friend bool operator<=(NarrowScalar a, NarrowScalar b) { return a.v_ <= b.v_; }
  friend bool operator>=(NarrowScalar a, NarrowScalar b) { return a.v_ >= b.v_; }

  friend NarrowScalar exp(NarrowScalar a) { return raw(Carrier::exp(a.v_)); }
  friend NarrowScalar abs(NarrowScalar a) { return raw(std::fabs(a.v_)); }
  friend NarrowScalar max(NarrowScalar a, NarrowScalar b) { return (a.v_ < b.v_) ? b : a; }
  friend NarrowScalar min(NarrowScalar a, NarrowScalar b) { return (b.v_ < a.v_) ? b : a; }
  friend bool isfinite(NarrowScalar a) { return std::isfinite(a.v_); }
};

}  // namespace loopcert

namespace loopcert {
template <class Carrier>
struct ScalarTraits<NarrowScalar<Carrier>> {
  using N = NarrowScalar<Carrier>;
  static constexpr bool exact = false;
  static constexpr bool has_exp = true;
  // As MpfrReal(q): one rounding of the exact rational to P bits.
  static N from_rational(const Rational& q) { return N::raw(Carrier::from_rational(q)); }
  static double to_double(const N& x) { return static_cast<double>(x.value()); }
  static N exp(const N& x) { return N::raw(Carrier::exp(x.value())); }
  static bool is_finite(const N& x) { return std::isfinite(x.value()); }
};
}  // namespace loopcert
