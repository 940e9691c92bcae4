// Function constants by interval arithmetic (approx/function_constants.hpp). Every
// MPFI variable has its own precision (core/mpfi_interval.hpp).
#include "approx/function_constants.hpp"

#include <algorithm>

#include "core/mpfi_interval.hpp"

namespace loopcert::approx {

namespace {

constexpr long kPrec = 128;

FunctionConstants square_constants(const Univariate& f) {
  FunctionConstants c;
  const Rational a = std::max(rational_abs(f.lo), rational_abs(f.hi));
  c.lipschitz = round_up(2 * a);
  c.second_derivative = 2;
  c.variation = round_up(f.lo < 0 && f.hi > 0 ? Rational(f.lo * f.lo + f.hi * f.hi) : rational_abs(f.hi * f.hi - f.lo * f.lo));
  c.sup_abs = round_up(a * a);
  return c;
}

FunctionConstants reciprocal_constants(const Univariate& f) {  // 0 outside [lo, hi]
  FunctionConstants c;
  const Rational d = std::min(rational_abs(f.lo), rational_abs(f.hi));  // the end nearest 0
  c.lipschitz = round_up(1 / (d * d));
  c.second_derivative = round_up(2 / (d * d * d));
  c.variation = round_up(rational_abs(1 / f.lo - 1 / f.hi));
  c.sup_abs = round_up(1 / d);
  return c;
}

FunctionConstants sqrt_constants(const Univariate& f) {  // lo > 0
  FunctionConstants c;
  const Interval lo(kPrec, f.lo), hi(kPrec, f.hi);
  Interval t(kPrec), s(kPrec);
  mpfi_sqrt(t.p(), lo.p());  // sqrt(lo)
  mpfi_mul_ui(s.p(), t.p(), 2);
  mpfi_inv(s.p(), s.p());
  c.lipschitz = right_up(s);  // 1 / (2 sqrt(lo))
  mpfi_mul(s.p(), t.p(), lo.p());
  mpfi_mul_ui(s.p(), s.p(), 4);
  mpfi_inv(s.p(), s.p());
  c.second_derivative = right_up(s);  // 1 / (4 lo^(3/2))
  mpfi_sqrt(s.p(), hi.p());
  c.sup_abs = right_up(s);
  mpfi_sub(s.p(), s.p(), t.p());
  c.variation = right_up(s);
  return c;
}

FunctionConstants rsqrt_constants(const Univariate& f) {  // lo > 0: x^(-1/2), decreasing and convex
  FunctionConstants c;
  const Interval lo(kPrec, f.lo), hi(kPrec, f.hi);
  Interval r(kPrec), s(kPrec), t(kPrec);
  mpfi_sqrt(r.p(), lo.p());
  mpfi_inv(r.p(), r.p());  // lo^(-1/2)
  c.sup_abs = right_up(r);
  mpfi_div(s.p(), r.p(), lo.p());
  mpfi_div_ui(t.p(), s.p(), 2);
  c.lipschitz = right_up(t);  // lo^(-3/2) / 2
  mpfi_div(s.p(), s.p(), lo.p());
  mpfi_mul_ui(s.p(), s.p(), 3);
  mpfi_div_ui(s.p(), s.p(), 4);
  c.second_derivative = right_up(s);  // 3 lo^(-5/2) / 4
  mpfi_sqrt(t.p(), hi.p());
  mpfi_inv(t.p(), t.p());
  mpfi_sub(s.p(), r.p(), t.p());
  c.variation = right_up(s);
  return c;
}

FunctionConstants exp_constants(const Univariate& f) {
  FunctionConstants c;
  const Interval lo(kPrec, f.lo), hi(kPrec, f.hi);
  Interval t(kPrec), s(kPrec);
  mpfi_exp(t.p(), hi.p());
  c.lipschitz = c.second_derivative = c.sup_abs = right_up(t);
  mpfi_exp(s.p(), lo.p());
  mpfi_sub(s.p(), t.p(), s.p());
  c.variation = right_up(s);
  return c;
}

// |sigma''(x)| = sigma (1 - sigma) |1 - 2 sigma|, rounded up.
double sigmoid_second_derivative(const Interval& x) {
  Interval q(kPrec), w(kPrec), r(kPrec);
  sigmoid_enclosure(q.p(), x.p());
  mpfi_ui_sub(w.p(), 1, q.p());
  mpfi_mul(r.p(), q.p(), w.p());
  mpfi_sub(w.p(), w.p(), q.p());
  mpfi_mul(r.p(), r.p(), w.p());
  return magnitude_up(r);
}

// |sigma''| peaks at +-z* = +-log(2 + sqrt 3) with value 1/(6 sqrt 3); elsewhere it is
// monotone between 0, +-z* and infinity, so its max is at an end or a peak.
double sigmoid_second_derivative_max(const Univariate& f) {
  const Interval lo(kPrec, f.lo), hi(kPrec, f.hi);
  Interval zs(kPrec, 3);
  mpfi_sqrt(zs.p(), zs.p());
  Interval peak(kPrec);
  mpfi_mul_ui(peak.p(), zs.p(), 6);
  mpfi_inv(peak.p(), peak.p());
  mpfi_add_ui(zs.p(), zs.p(), 2);
  mpfi_log(zs.p(), zs.p());  // z*
  MpfrNumber zlo(kPrec), zhi(kPrec);
  mpfi_get_left(zlo.p(), zs.p());
  mpfi_get_right(zhi.p(), zs.p());
  const double zl = mpfr_get_d(zlo.p(), MPFR_RNDD), zh = mpfr_get_d(zhi.p(), MPFR_RNDU);
  // (ends widened by 1e-9 so that rounding f.lo, f.hi to double cannot miss a peak)
  const double flo = to_double(f.lo) - 1e-9, fhi = to_double(f.hi) + 1e-9;
  const bool has_peak = (flo <= zh && fhi >= zl) || (flo <= -zl && fhi >= -zh);
  double m2 = std::max(sigmoid_second_derivative(lo), sigmoid_second_derivative(hi));
  if (has_peak) m2 = std::max(m2, right_up(peak));
  return m2;
}

FunctionConstants sigmoid_constants(const Univariate& f) {
  FunctionConstants c;
  const Interval lo(kPrec, f.lo), hi(kPrec, f.hi);
  Interval t(kPrec), s(kPrec);
  // sigma' = sigma (1 - sigma) decreases in |x|: its max is at the point nearest 0.
  Rational d = 0;
  if (f.lo > 0) d = f.lo;
  if (f.hi < 0) d = -f.hi;
  Interval z(kPrec, d), sg(kPrec), one_minus(kPrec);
  sigmoid_enclosure(sg.p(), z.p());
  mpfi_ui_sub(one_minus.p(), 1, sg.p());
  mpfi_mul(t.p(), sg.p(), one_minus.p());
  c.lipschitz = right_up(t);
  c.second_derivative = sigmoid_second_derivative_max(f);
  Interval shi(kPrec), slo(kPrec);
  sigmoid_enclosure(shi.p(), hi.p());
  sigmoid_enclosure(slo.p(), lo.p());
  mpfi_sub(s.p(), shi.p(), slo.p());
  c.variation = right_up(s);
  c.sup_abs = right_up(shi);
  return c;
}

FunctionConstants table_constants(const Univariate& f) {
  FunctionConstants c;
  Rational lip = 0, var = 0, sup = 0;
  for (std::size_t j = 0; j + 1 < f.knots.size(); ++j) {
    const Knot &k0 = f.knots[j], &k1 = f.knots[j + 1];
    const Rational a = std::max(k0.x, f.lo), b = std::min(k1.x, f.hi);
    if (!(a < b)) continue;
    const Rational slope = (k1.y - k0.y) / (k1.x - k0.x);
    lip = std::max(lip, rational_abs(slope));
    var += rational_abs(slope) * (b - a);
    sup = std::max({sup, rational_abs(k0.y), rational_abs(k1.y)});
  }
  c.sup_abs = round_up(sup);
  c.lipschitz = round_up(lip);
  c.variation = round_up(var);
  c.second_derivative = INFINITY;
  return c;
}

}  // namespace

FunctionConstants function_constants(const Univariate& f) {
  switch (f.kind) {
    case FunctionKind::Square: return square_constants(f);
    case FunctionKind::Reciprocal: return reciprocal_constants(f);
    case FunctionKind::Sqrt: return sqrt_constants(f);
    case FunctionKind::Rsqrt: return rsqrt_constants(f);
    case FunctionKind::Exp: return exp_constants(f);
    case FunctionKind::Sigmoid: return sigmoid_constants(f);
    case FunctionKind::Table: return table_constants(f);
  }
  return {};
}

}  // namespace loopcert::approx
