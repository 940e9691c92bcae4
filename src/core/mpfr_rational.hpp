// The exact rational value of an MPFR number: every finite MPFR value is m * 2^e, a
// rational, and mpfr_get_q gives it without rounding. The one conversion the exact
// machines, the sigmoid blocks, the approximations and the tests use (a small header of
// its own, so that adding it did not touch core/mpfr_real.hpp, included almost everywhere).
#pragma once
#include <mpfr.h>

#include "core/rational.hpp"

namespace loopcert {

// NaN and infinities have no rational value: mpfr_get_q gives 0 for them (MPFR sets its
// erange flag); callers check finiteness first where it matters.
inline Rational exact_rational(mpfr_srcptr x) {
  Rational q;
  mpfr_get_q(q.backend().data(), x);
  return q;
}

}  // namespace loopcert
