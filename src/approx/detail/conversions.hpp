// Exact conversions between Rational, MPFR and long double (private to approx/).
#pragma once
#include <mpfr.h>

#include "core/rational.hpp"
#include "core/mpfr_rational.hpp"

namespace loopcert::approx::detail {

// Exact rational value of an MPFR number.
inline Rational to_rational(mpfr_srcptr x) { return exact_rational(x); }

inline Rational ld_to_rational(long double v) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_ld(x, v, MPFR_RNDN);  // exact: long double has a 64-bit significand
  Rational q = to_rational(x);
  mpfr_clear(x);
  return q;
}

inline long double rational_to_ld(const Rational& q) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
  long double v = mpfr_get_ld(x, MPFR_RNDN);
  mpfr_clear(x);
  return v;
}

}  // namespace loopcert::approx::detail
