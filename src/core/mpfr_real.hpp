// MpfrReal: an MPFR number whose precision comes from a thread-local context.
//
// Why not boost::multiprecision::mpfr_float directly: in Boost 1.74 its default
// precision is one process-wide static, so two runs at different precisions (or two
// threads) would leak their setting into each other. MpfrPrecisionScope sets the
// precision for the current thread only and restores the previous one on exit; every
// MpfrReal created inside takes that precision, and every operation rounds to it
// (round to nearest even), exactly like an IEEE format with P significand bits and
// MPFR's (practically unbounded) exponent range.
#pragma once
#include <mpfr.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "core/rational.hpp"

namespace loopcert {

class MpfrPrecisionScope {
 public:
  explicit MpfrPrecisionScope(long bits) : previous_(current()) { current() = bits; }
  ~MpfrPrecisionScope() { current() = previous_; }
  MpfrPrecisionScope(const MpfrPrecisionScope&) = delete;
  MpfrPrecisionScope& operator=(const MpfrPrecisionScope&) = delete;
  static long& current() {
    thread_local long bits = 53;
    return bits;
  }

 private:
  long previous_;
};

class MpfrReal {
 public:
  MpfrReal() { init(); mpfr_set_zero(v_, 1); }
  MpfrReal(int x) { init(); mpfr_set_si(v_, x, MPFR_RNDN); }
  MpfrReal(long x) { init(); mpfr_set_si(v_, x, MPFR_RNDN); }
  MpfrReal(long long x) { init(); mpfr_set_si(v_, static_cast<long>(x), MPFR_RNDN); }
  MpfrReal(unsigned x) { init(); mpfr_set_ui(v_, x, MPFR_RNDN); }
  MpfrReal(unsigned long x) { init(); mpfr_set_ui(v_, x, MPFR_RNDN); }
  MpfrReal(double x) { init(); mpfr_set_d(v_, x, MPFR_RNDN); }
  explicit MpfrReal(const Rational& q) { init(); mpfr_set_q(v_, q.backend().data(), MPFR_RNDN); }
  MpfrReal(const MpfrReal& o) { mpfr_init2(v_, mpfr_get_prec(o.v_)); mpfr_set(v_, o.v_, MPFR_RNDN); }
  MpfrReal(MpfrReal&& o) noexcept { mpfr_init2(v_, mpfr_get_prec(o.v_)); mpfr_swap(v_, o.v_); }
  MpfrReal& operator=(const MpfrReal& o) {
    if (this != &o) mpfr_set(v_, o.v_, MPFR_RNDN);
    return *this;
  }
  MpfrReal& operator=(MpfrReal&& o) noexcept {
    if (mpfr_get_prec(v_) == mpfr_get_prec(o.v_)) mpfr_swap(v_, o.v_);
    else mpfr_set(v_, o.v_, MPFR_RNDN);
    return *this;
  }
  ~MpfrReal() { mpfr_clear(v_); }

  mpfr_ptr raw() { return v_; }
  mpfr_srcptr raw() const { return v_; }
  long precision() const { return mpfr_get_prec(v_); }
  explicit operator double() const { return mpfr_get_d(v_, MPFR_RNDN); }
  std::string str(int digits = 20) const;

  MpfrReal& operator+=(const MpfrReal& o) { mpfr_add(v_, v_, o.v_, MPFR_RNDN); return *this; }
  MpfrReal& operator-=(const MpfrReal& o) { mpfr_sub(v_, v_, o.v_, MPFR_RNDN); return *this; }
  MpfrReal& operator*=(const MpfrReal& o) { mpfr_mul(v_, v_, o.v_, MPFR_RNDN); return *this; }
  MpfrReal& operator/=(const MpfrReal& o) { mpfr_div(v_, v_, o.v_, MPFR_RNDN); return *this; }
  MpfrReal operator-() const { MpfrReal r; mpfr_neg(r.v_, v_, MPFR_RNDN); return r; }
  MpfrReal operator+() const { return *this; }

  friend MpfrReal operator+(const MpfrReal& a, const MpfrReal& b) { MpfrReal r; mpfr_add(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend MpfrReal operator-(const MpfrReal& a, const MpfrReal& b) { MpfrReal r; mpfr_sub(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend MpfrReal operator*(const MpfrReal& a, const MpfrReal& b) { MpfrReal r; mpfr_mul(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend MpfrReal operator/(const MpfrReal& a, const MpfrReal& b) { MpfrReal r; mpfr_div(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend bool operator<(const MpfrReal& a, const MpfrReal& b) { return mpfr_less_p(a.v_, b.v_); }
  friend bool operator>(const MpfrReal& a, const MpfrReal& b) { return mpfr_greater_p(a.v_, b.v_); }
  friend bool operator<=(const MpfrReal& a, const MpfrReal& b) { return mpfr_lessequal_p(a.v_, b.v_); }
  friend bool operator>=(const MpfrReal& a, const MpfrReal& b) { return mpfr_greaterequal_p(a.v_, b.v_); }
  friend bool operator==(const MpfrReal& a, const MpfrReal& b) { return mpfr_equal_p(a.v_, b.v_); }
  friend bool operator!=(const MpfrReal& a, const MpfrReal& b) { return !mpfr_equal_p(a.v_, b.v_); }

  friend MpfrReal exp(const MpfrReal& a) { MpfrReal r; mpfr_exp(r.v_, a.v_, MPFR_RNDN); return r; }
  friend MpfrReal log(const MpfrReal& a) { MpfrReal r; mpfr_log(r.v_, a.v_, MPFR_RNDN); return r; }
  friend MpfrReal sqrt(const MpfrReal& a) { MpfrReal r; mpfr_sqrt(r.v_, a.v_, MPFR_RNDN); return r; }
  friend MpfrReal abs(const MpfrReal& a) { MpfrReal r; mpfr_abs(r.v_, a.v_, MPFR_RNDN); return r; }
  friend MpfrReal fabs(const MpfrReal& a) { return abs(a); }
  friend bool isfinite(const MpfrReal& a) { return mpfr_number_p(a.v_); }
  friend bool isnan(const MpfrReal& a) { return mpfr_nan_p(a.v_); }

 private:
  void init() { mpfr_init2(v_, MpfrPrecisionScope::current()); }
  mpfr_t v_;
};

// Namespace-scope declarations so that loopcert::exp(x) etc. also find the friends.
MpfrReal exp(const MpfrReal& a);
MpfrReal log(const MpfrReal& a);
MpfrReal sqrt(const MpfrReal& a);
MpfrReal abs(const MpfrReal& a);
bool isfinite(const MpfrReal& a);
bool isnan(const MpfrReal& a);

}  // namespace loopcert
