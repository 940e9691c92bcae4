// Bounds of the sigmoid lemma (proofs/sigmoid.md, Theorems 2 and 3). Interval arithmetic
// through MPFI's C API (core/mpfi_interval.hpp); every variable has its own precision.
#include "bounds/sigmoid.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "core/mpfi_interval.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::bounds {

// ---------------------------------------------------------------------------------
// Theorem 2.

namespace {

constexpr long kPrec = 128;

// kappa(alpha) as an interval (Lemma 4).
Interval kappa_interval(const Rational& alpha) {
  const Interval a(kPrec, alpha);
  Interval half_a(kPrec), tail(kPrec);
  mpfi_div_ui(half_a.p(), a.p(), 2);
  sigmoid_enclosure(tail.p(), half_a.p());
  mpfi_ui_sub(tail.p(), 1, tail.p());  // 1 - sigma(alpha/2)
  if (alpha <= 4) return tail;
  Interval root(kPrec), s(kPrec), u(kPrec), g(kPrec);
  mpfi_ui_div(root.p(), 4, a.p());
  mpfi_ui_sub(root.p(), 1, root.p());
  mpfi_sqrt(root.p(), root.p());     // sqrt(1 - 4/alpha)
  mpfi_add_ui(s.p(), root.p(), 1);
  mpfi_div_ui(s.p(), s.p(), 2);      // sigma* = (1 + root)/2
  mpfi_ui_sub(u.p(), 1, s.p());
  mpfi_div(u.p(), s.p(), u.p());
  mpfi_log(u.p(), u.p());
  mpfi_div(u.p(), u.p(), a.p());     // t* = logit(sigma*)/alpha
  mpfi_sub(g.p(), s.p(), u.p());
  mpfi_sub_d(g.p(), g.p(), 0.5);     // sigma* - t* - 1/2
  MpfrNumber gr(kPrec), tr(kPrec);
  mpfi_get_right(gr.p(), g.p());
  mpfi_get_right(tr.p(), tail.p());
  Interval out(kPrec);
  mpfi_interv_fr(out.p(), mpfr_cmp(gr.p(), tr.p()) > 0 ? gr.p() : tr.p(), mpfr_cmp(gr.p(), tr.p()) > 0 ? gr.p() : tr.p());
  return out;
}

Interval rho_interval(const Rational& alpha) {
  Interval r(kPrec, alpha), r2(kPrec), num(kPrec), den(kPrec);
  mpfi_div_si(r.p(), r.p(), -2);
  mpfi_exp(r.p(), r.p());  // r = e^(-alpha/2)
  mpfi_sqr(r2.p(), r.p());
  mpfi_add_ui(num.p(), r2.p(), 1);
  mpfi_mul(num.p(), num.p(), r.p());
  mpfi_ui_sub(den.p(), 1, r2.p());
  mpfi_div(num.p(), num.p(), den.p());
  return num;
}
}  // namespace

double staircase_kappa(const Rational& alpha) { return right_up(kappa_interval(alpha)); }
double staircase_rho(const Rational& alpha) { return right_up(rho_interval(alpha)); }

double staircase_bound(const StaircaseInputs& in) {
  const int m = in.m;
  const Rational& width = in.width;
  const Rational& alpha = in.alpha;
  if (m < 1 || !(alpha > 0) || !(width > 0)) return INFINITY;
  if (!std::isfinite(in.lipschitz) || !std::isfinite(in.variation)) return INFINITY;
  const Interval h(kPrec, Rational(width / m));
  Interval L(kPrec), Lh(kPrec), main1(kPrec), main2(kPrec), tail1(kPrec), tail2(kPrec), t(kPrec);
  mpfi_set_d(L.p(), in.lipschitz);
  mpfi_mul(Lh.p(), L.p(), h.p());
  mpfi_div_ui(main1.p(), Lh.p(), 2);  // L h / 2
  double main = right_up(main1);
  if (std::isfinite(in.second_derivative)) {
    mpfi_mul(main2.p(), kappa_interval(alpha).p(), Lh.p());
    mpfi_sqr(t.p(), h.p());
    mpfi_mul_d(t.p(), t.p(), in.second_derivative);
    mpfi_div_ui(t.p(), t.p(), 8);
    mpfi_add(main2.p(), main2.p(), t.p());  // kappa L h + M2 h^2 / 8
    main = std::min(main, right_up(main2));
  }
  mpfi_mul(tail1.p(), rho_interval(alpha).p(), Lh.p());  // rho L h
  Interval a(kPrec, alpha);
  mpfi_div_si(tail2.p(), a.p(), -2);
  mpfi_exp(tail2.p(), tail2.p());
  mpfi_mul_d(tail2.p(), tail2.p(), in.variation);  // V e^(-alpha/2)
  const double tail = std::min(right_up(tail1), right_up(tail2));
  // Sum of three nonnegative upper bounds, rounded up.
  MpfrNumber total(kPrec);
  mpfr_set_d(total.p(), main, MPFR_RNDU);
  mpfr_add_d(total.p(), total.p(), tail, MPFR_RNDU);
  mpfr_add_d(total.p(), total.p(), in.node_error, MPFR_RNDU);
  return mpfr_get_d(total.p(), MPFR_RNDU);
}

// ---------------------------------------------------------------------------------
// Theorem 3.

RoundingModel rounding_model(const ScalarSpec& scalar) {
  const ScalarFacts& facts = scalar_facts(scalar);
  RoundingModel m;
  m.scalar = scalar.name();
  // u = 2^-p, capped at 2^-1060 (a larger u is still an upper bound): below it the
  // subnormal products k u of Theorem 3 would lose the bits of k.
  m.u = facts.precision == 0 ? 0.0 : std::ldexp(1.0, static_cast<int>(std::max<long>(facts.u_log2, -1060)));
  // eta = 2^(emin - p): half the smallest subnormal; 0 once below double's range and for
  // unbounded exponents (MPFR), where it contributes nothing a double can hold.
  m.eta = facts.bounded_exponent ? std::ldexp(1.0, facts.emin - facts.precision) : 0.0;
  m.max_finite = facts.bounded_exponent ? std::min(facts.max_finite, DBL_MAX) : INFINITY;
  return m;
}

double rounding_bound(const RoundingInputs& in, const RoundingModel& model) {
  const double u = model.u, eta = model.eta;
  if (u == 0) return 0;
  auto gamma = [u](double k) { return k * u < 1 ? k * u / (1 - k * u) : INFINITY; };
  const int n = in.columns, A = in.anchors, M = in.heads;
  const double gh = gamma(3 * n + 12), gs = gamma(in.max_inputs + 2), gM = gamma(M);
  (void)A;
  if (!std::isfinite(gh) || !std::isfinite(gs) || !std::isfinite(gM)) return INFINITY;
  // Theorem 3 assumes no overflow: scores, weights and partial sums stay finite.
  const double half_max = model.max_finite / 2;
  if (in.max_score * (1 + gs) >= half_max || in.max_weight >= half_max || 2 * (in.sum_c + in.c0) >= half_max) return INFINITY;
  const double under = 4.0 * (n + 1) * (M + in.sum_c) * eta;
  const double heads = in.sum_c * gh + (1 + gh) * gs * in.sum_c_score / 4 + under;
  const double bias = u * in.c0 + eta;
  const double sum = gM * (in.sum_c * (1 + gh) + under + in.c0 * (1 + u) + eta);
  return (heads + bias + sum) * (1 + 1e-9);
}

}  // namespace loopcert::bounds
