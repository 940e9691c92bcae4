// MPFI intervals and MPFR numbers that carry their own precision (mpfi_init2 /
// mpfr_init2), so that no global MPFR or MPFI default is read or changed, and the
// outward-rounded read-outs every enclosure in loopcert ends with. Used by the function
// constants (approx/), the sigmoid bounds (bounds/) and the certificates (cert/).
#pragma once
#include <mpfi.h>

#include "core/rational.hpp"

namespace loopcert {

// An MPFI interval with its own precision.
class Interval {
 public:
  explicit Interval(long precision) { mpfi_init2(v_, precision); }
  Interval(long precision, const Rational& q) {
    mpfi_init2(v_, precision);
    mpfi_set_q(v_, q.backend().data());
  }
  Interval(long precision, long n) {
    mpfi_init2(v_, precision);
    mpfi_set_si(v_, n);
  }
  Interval(const Interval& o) {
    mpfi_init2(v_, mpfi_get_prec(o.v_));
    mpfi_set(v_, o.v_);
  }
  Interval& operator=(const Interval& o) {
    if (this != &o) mpfi_set(v_, o.v_);
    return *this;
  }
  ~Interval() { mpfi_clear(v_); }
  mpfi_ptr p() { return v_; }
  mpfi_srcptr p() const { return v_; }

 private:
  mpfi_t v_;
};

// An MPFR number with its own precision.
class MpfrNumber {
 public:
  explicit MpfrNumber(long precision) { mpfr_init2(v_, precision); }
  MpfrNumber(const MpfrNumber& o) {
    mpfr_init2(v_, mpfr_get_prec(o.v_));
    mpfr_set(v_, o.v_, MPFR_RNDN);
  }
  MpfrNumber& operator=(const MpfrNumber& o) {
    if (this != &o) mpfr_set(v_, o.v_, MPFR_RNDN);
    return *this;
  }
  ~MpfrNumber() { mpfr_clear(v_); }
  mpfr_ptr p() { return v_; }
  mpfr_srcptr p() const { return v_; }

 private:
  mpfr_t v_;
};

// Right end of an interval, rounded up to a double.
inline double right_up(const Interval& x) {
  MpfrNumber r(mpfi_get_prec(x.p()));
  mpfi_get_right(r.p(), x.p());
  return mpfr_get_d(r.p(), MPFR_RNDU);
}
// max |x| over the interval, rounded up.
inline double magnitude_up(const Interval& x) {
  MpfrNumber r(mpfi_get_prec(x.p()));
  mpfi_mag(r.p(), x.p());
  return mpfr_get_d(r.p(), MPFR_RNDU);
}
// min |x| over the interval, rounded down.
inline double mignitude_down(const Interval& x) {
  MpfrNumber r(mpfi_get_prec(x.p()));
  mpfi_mig(r.p(), x.p());
  return mpfr_get_d(r.p(), MPFR_RNDD);
}
// q rounded up to a double.
inline double round_up(const Rational& q) {
  MpfrNumber r(128);
  mpfr_set_q(r.p(), q.backend().data(), MPFR_RNDU);
  return mpfr_get_d(r.p(), MPFR_RNDU);
}
inline Rational rational_abs(const Rational& q) { return q < 0 ? Rational(-q) : q; }

// sigma(z) = 1 / (1 + e^-z) is monotone, so one evaluation per endpoint encloses it.
inline void sigmoid_enclosure(mpfi_ptr out, mpfi_srcptr z) {
  mpfi_neg(out, z);
  mpfi_exp(out, out);
  mpfi_add_ui(out, out, 1);
  mpfi_inv(out, out);
}

}  // namespace loopcert
