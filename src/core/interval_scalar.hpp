// IntervalScalar: an MPFI interval that the engine's templates run at (issue 15), so
// that one evaluation of a layer or a loop encloses what a *target* scalar (double,
// float, an emulated format, MPFR at P bits, or exact reals) computes from any inputs
// inside the input intervals.
//
// Every operation computes an outward-rounded MPFI enclosure of the exact result (at the
// thread's working precision, 128 bits by default) and then widens it by the target's
// rounding model (RoundingModel): |fl(z) - z| <= u |z| + eta for + - * /, and the target
// exp's measured model |exp~(x) - e^x| <= c u e^x + 2^a (bounds/rounding.hpp). A result
// whose magnitude may exceed the target's largest finite value becomes [-inf, +inf] (the
// target may have overflowed: unknown, and is_finite says so). Each widened enclosure
// contains the exact real result as well as the rounded one, so the model also covers
// contracted operations (an FMA rounds once where the model allows two roundings).
//
// Comparisons are the *certain* relations (a < b: every point of a is below every point
// of b; a == b: both are the same single point). The engine's exact shortcuts
// (tf/attention.hpp) are sound with these: they fire only on point-equal operands. The
// ReLU `if (h < 0) h = 0` keeps an interval that straddles 0 as it is (a superset of
// its ReLU: sound, not tight). The softmax's stable maximum and the order-independent
// sums are the interval kernels of tf/transformer_interval.cpp.
#pragma once
#include <mpfi.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <string>

#include "core/rational.hpp"

namespace loopcert {

// What the target scalar's arithmetic is allowed to do: the widening of every operation.
struct RoundingModel {
  std::string target = "exact reals";  // what the enclosures are sound for
  int precision = 0;                    // target significand bits p (u = 2^-p); 0: exact reals, no widening
  bool has_eta = false;                 // an absolute term per operation (gradual underflow)
  long eta_log2 = 0;                    // eta = 2^eta_log2 (half the smallest subnormal, or more)
  long emin = 0;                        // smallest normal is 2^emin (for the exactness test); 0: unbounded
  double exp_units = 1;                 // |exp~(x) - e^x| <= exp_units u e^x (+ 2^exp_absolute_log2)
  bool exp_has_absolute = false;
  long exp_absolute_log2 = 0;
  double max_finite = std::numeric_limits<double>::infinity();  // beyond: may overflow (unknown)
};

// The working precision and rounding model of the current thread's interval evaluation.
class IntervalScope {
 public:
  IntervalScope(const RoundingModel& model, long working_precision = 128);
  ~IntervalScope();
  IntervalScope(const IntervalScope&) = delete;
  IntervalScope& operator=(const IntervalScope&) = delete;
  static const RoundingModel& model();
  static long precision();

 private:
  const RoundingModel* previous_model_;
  long previous_precision_;
};

class IntervalScalar {
 public:
  IntervalScalar() { init(); mpfi_set_ui(v_, 0); }
  IntervalScalar(int x) { init(); mpfi_set_si(v_, x); }
  IntervalScalar(long x) { init(); mpfi_set_si(v_, x); }
  IntervalScalar(double x) { init(); mpfi_set_d(v_, x); }
  // [lo, hi] (outward at the working precision): an input box.
  IntervalScalar(const Rational& lo, const Rational& hi);
  IntervalScalar(const IntervalScalar& o) { mpfi_init2(v_, mpfi_get_prec(o.v_)); mpfi_set(v_, o.v_); }
  IntervalScalar(IntervalScalar&& o) noexcept { mpfi_init2(v_, mpfi_get_prec(o.v_)); mpfi_swap(v_, o.v_); }
  IntervalScalar& operator=(const IntervalScalar& o) {
    if (this != &o) mpfi_set(v_, o.v_);
    return *this;
  }
  IntervalScalar& operator=(IntervalScalar&& o) noexcept {
    if (mpfi_get_prec(v_) == mpfi_get_prec(o.v_)) mpfi_swap(v_, o.v_);
    else mpfi_set(v_, o.v_);
    return *this;
  }
  ~IntervalScalar() { mpfi_clear(v_); }

  mpfi_ptr raw() { return v_; }
  mpfi_srcptr raw() const { return v_; }

  // An exact rational as the target holds it (rounded once: widened by the model).
  static IntervalScalar rounded(const Rational& q);
  // e^x as the target's exp computes it.
  static IntervalScalar target_exp(const IntervalScalar& x);
  // The exact sum of products sum a_i b_i widened for the target's rounded dot product
  // in any summation order (gamma_k sum |a_i b_i| + 2 k eta, k = the nonzero terms).
  static IntervalScalar target_dot(const IntervalScalar* a, const IntervalScalar* b, long n);
  // The stable maximum of the target's softmax: the hull of max_i x_i over the boxes.
  static IntervalScalar max_of(const IntervalScalar* x, long n);

  double lower() const;   // rounded down
  double upper() const;   // rounded up
  double midpoint() const;
  double width() const;   // rounded up
  bool is_point() const { return mpfr_equal_p(&v_->left, &v_->right); }
  bool is_finite() const { return mpfi_bounded_p(v_) && !mpfi_nan_p(v_); }
  bool contains(double x) const;
  bool contains(mpfr_srcptr x) const { return mpfi_is_inside_fr(x, v_) > 0; }
  bool contains(const IntervalScalar& x) const { return mpfi_is_inside(x.v_, v_) > 0; }
  bool overlaps(const IntervalScalar& x) const;
  std::string str() const;

  IntervalScalar& operator+=(const IntervalScalar& o);
  IntervalScalar& operator-=(const IntervalScalar& o);
  IntervalScalar& operator*=(const IntervalScalar& o);
  IntervalScalar& operator/=(const IntervalScalar& o);
  IntervalScalar operator-() const { IntervalScalar r; mpfi_neg(r.v_, v_); return r; }
  IntervalScalar operator+() const { return *this; }
  friend IntervalScalar operator+(IntervalScalar a, const IntervalScalar& b) { return a += b; }
  friend IntervalScalar operator-(IntervalScalar a, const IntervalScalar& b) { return a -= b; }
  friend IntervalScalar operator*(IntervalScalar a, const IntervalScalar& b) { return a *= b; }
  friend IntervalScalar operator/(IntervalScalar a, const IntervalScalar& b) { return a /= b; }
  // The certain relations (see the header comment).
  friend bool operator<(const IntervalScalar& a, const IntervalScalar& b) { return mpfr_less_p(&a.v_->right, &b.v_->left); }
  friend bool operator>(const IntervalScalar& a, const IntervalScalar& b) { return b < a; }
  friend bool operator<=(const IntervalScalar& a, const IntervalScalar& b) { return mpfr_lessequal_p(&a.v_->right, &b.v_->left); }
  friend bool operator>=(const IntervalScalar& a, const IntervalScalar& b) { return b <= a; }
  friend bool operator==(const IntervalScalar& a, const IntervalScalar& b) {
    return a.is_point() && b.is_point() && mpfr_equal_p(&a.v_->left, &b.v_->left);
  }
  friend bool operator!=(const IntervalScalar& a, const IntervalScalar& b) { return !(a == b); }

 private:
  void init() { mpfi_init2(v_, IntervalScope::precision()); }
  // The model's widening of a freshly computed exact enclosure (one rounding at the target).
  void round_to_target();
  mpfi_t v_;
};

template <class T>
struct ScalarTraits;

template <>
struct ScalarTraits<IntervalScalar> {
  static constexpr bool exact = false;
  static constexpr bool has_exp = true;
  static IntervalScalar from_rational(const Rational& q) { return IntervalScalar::rounded(q); }
  static double to_double(const IntervalScalar& x) { return x.midpoint(); }
  static IntervalScalar exp(const IntervalScalar& x) { return IntervalScalar::target_exp(x); }
  static bool is_finite(const IntervalScalar& x) { return x.is_finite(); }
};

inline IntervalScalar exp(const IntervalScalar& x) { return IntervalScalar::target_exp(x); }

}  // namespace loopcert

namespace Eigen {
template <>
struct NumTraits<loopcert::IntervalScalar> : GenericNumTraits<loopcert::IntervalScalar> {
  using Real = loopcert::IntervalScalar;
  using NonInteger = loopcert::IntervalScalar;
  using Literal = loopcert::IntervalScalar;
  using Nested = loopcert::IntervalScalar;
  enum { IsComplex = 0, IsInteger = 0, IsSigned = 1, RequireInitialization = 1, ReadCost = 10, AddCost = 20, MulCost = 40 };
  static inline int digits10() { return 30; }
  static inline loopcert::IntervalScalar epsilon() { return loopcert::IntervalScalar(0x1p-120); }
  static inline loopcert::IntervalScalar dummy_precision() { return loopcert::IntervalScalar(0x1p-100); }
  static inline loopcert::IntervalScalar highest() { return loopcert::IntervalScalar(1e300); }
  static inline loopcert::IntervalScalar lowest() { return loopcert::IntervalScalar(-1e300); }
};
}  // namespace Eigen
