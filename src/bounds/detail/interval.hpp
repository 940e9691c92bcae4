// Outward-rounded interval arithmetic for the bound functions (private to bounds/).
//
// Why: a bound must never be printed below its exact value (issue 10). Every bound of
// a lemma note is a formula in + - * / exp expm1 log1p of its parameters; evaluating it
// on MPFI intervals (each operation rounds its lower end down and its upper end up)
// gives an interval that contains the exact real value, and `upper()` rounds the right
// end up to a double. So `upper()` >= the exact bound, whatever cancellation the formula
// has; the cancelling forms of the notes are written with expm1/log1p so that the
// interval is also narrow (a few ulps), not just sound.
//
// Inputs are doubles or ints, converted exactly (kBits >= 53 and MPFR's exponent range
// holds every double, subnormals included). An interval may have infinite ends.
#pragma once
#include <mpfi.h>

namespace loopcert::bounds::detail {

class Interval {
 public:
  static constexpr long kBits = 128;

  Interval(double x);                 // the point x (exact)
  Interval(int x);                    // the point x (exact)
  Interval(double lo, double hi);     // [lo, hi] (exact ends)
  Interval(const Interval& o);
  Interval& operator=(const Interval& o);
  ~Interval();

  static Interval everything_positive();  // [0, +inf]: "nothing is claimed"
  static Interval pow2(long e);           // the point 2^e (exact, any e MPFR holds)

  double upper() const;  // right end rounded up to a double (+inf if unbounded)
  double lower() const;  // left end rounded down to a double
  bool positive() const;     // every point > 0
  bool nonnegative() const;  // every point >= 0
  bool below(const Interval& o) const;     // every point < every point of o
  bool at_most(const Interval& o) const;   // every point <= every point of o

  friend Interval operator+(const Interval& a, const Interval& b);
  friend Interval operator-(const Interval& a, const Interval& b);
  friend Interval operator*(const Interval& a, const Interval& b);
  friend Interval operator/(const Interval& a, const Interval& b);
  friend Interval operator-(const Interval& a);
  friend Interval exp(const Interval& a);
  friend Interval expm1(const Interval& a);
  friend Interval log1p(const Interval& a);
  friend Interval hull(const Interval& a, const Interval& b);  // smallest interval holding both

  mpfi_srcptr get() const { return v_; }

 private:
  Interval();  // uninitialised value, kBits precision
  mpfi_t v_;
};

}  // namespace loopcert::bounds::detail
