// Bounds of the sigmoid lemma (proofs/sigmoid.md, Theorems 2 and 3, and the
// a-posteriori certificate). Interval arithmetic through MPFI's C API; every variable is
// created with mpfi_init2 at an explicit precision, so no global precision is involved.
#include "bounds/sigmoid.hpp"

#include <mpfi.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <queue>
#include <stdexcept>
#include <vector>

namespace loopcert::sigmoid {

namespace {

// An MPFI interval with its own precision.
class Iv {
 public:
  explicit Iv(long precision) { mpfi_init2(v_, precision); }
  Iv(long precision, const Rational& q) {
    mpfi_init2(v_, precision);
    mpfi_set_q(v_, q.backend().data());
  }
  Iv(long precision, long n) {
    mpfi_init2(v_, precision);
    mpfi_set_si(v_, n);
  }
  Iv(const Iv& o) {
    mpfi_init2(v_, mpfi_get_prec(o.v_));
    mpfi_set(v_, o.v_);
  }
  Iv& operator=(const Iv& o) {
    if (this != &o) mpfi_set(v_, o.v_);
    return *this;
  }
  ~Iv() { mpfi_clear(v_); }
  mpfi_ptr p() { return v_; }
  mpfi_srcptr p() const { return v_; }

 private:
  mpfi_t v_;
};

// An MPFR number with its own precision.
class Fr {
 public:
  explicit Fr(long precision) { mpfr_init2(v_, precision); }
  Fr(const Fr& o) {
    mpfr_init2(v_, mpfr_get_prec(o.v_));
    mpfr_set(v_, o.v_, MPFR_RNDN);
  }
  Fr& operator=(const Fr& o) {
    if (this != &o) mpfr_set(v_, o.v_, MPFR_RNDN);
    return *this;
  }
  ~Fr() { mpfr_clear(v_); }
  mpfr_ptr p() { return v_; }
  mpfr_srcptr p() const { return v_; }

 private:
  mpfr_t v_;
};

// Right end of an interval, rounded up to a double.
double upper(const Iv& x) {
  Fr r(mpfi_get_prec(x.p()));
  mpfi_get_right(r.p(), x.p());
  return mpfr_get_d(r.p(), MPFR_RNDU);
}
// max |x| over the interval, rounded up.
double magnitude(const Iv& x) {
  Fr r(mpfi_get_prec(x.p()));
  mpfi_mag(r.p(), x.p());
  return mpfr_get_d(r.p(), MPFR_RNDU);
}
// min |x| over the interval, rounded down.
double mignitude(const Iv& x) {
  Fr r(mpfi_get_prec(x.p()));
  mpfi_mig(r.p(), x.p());
  return mpfr_get_d(r.p(), MPFR_RNDD);
}
double up(const Rational& q) {
  Fr r(128);
  mpfr_set_q(r.p(), q.backend().data(), MPFR_RNDU);
  return mpfr_get_d(r.p(), MPFR_RNDU);
}
Rational rabs(const Rational& q) { return q < 0 ? Rational(-q) : q; }

// sigma(z) = 1 / (1 + e^-z), monotone, so one evaluation per endpoint is exact enclosure.
void sigma(mpfi_ptr out, mpfi_srcptr z) {
  mpfi_neg(out, z);
  mpfi_exp(out, out);
  mpfi_add_ui(out, out, 1);
  mpfi_inv(out, out);
}

constexpr long kPrec = 128;

}  // namespace

// ---------------------------------------------------------------------------------
// Function constants.

FunctionConstants function_constants(const Univariate& f) {
  FunctionConstants c;
  const Iv lo(kPrec, f.lo), hi(kPrec, f.hi);
  Iv t(kPrec), s(kPrec);
  switch (f.kind) {
    case FunctionKind::Square: {
      const Rational a = std::max(rabs(f.lo), rabs(f.hi));
      c.lipschitz = up(2 * a);
      c.second_derivative = 2;
      c.variation = up(f.lo < 0 && f.hi > 0 ? Rational(f.lo * f.lo + f.hi * f.hi) : rabs(f.hi * f.hi - f.lo * f.lo));
      c.sup_abs = up(a * a);
      break;
    }
    case FunctionKind::Reciprocal: {  // lo > 0
      c.lipschitz = up(1 / (f.lo * f.lo));
      c.second_derivative = up(2 / (f.lo * f.lo * f.lo));
      c.variation = up(1 / f.lo - 1 / f.hi);
      c.sup_abs = up(1 / f.lo);
      break;
    }
    case FunctionKind::Sqrt: {  // lo > 0
      mpfi_sqrt(t.p(), lo.p());  // sqrt(lo)
      mpfi_mul_ui(s.p(), t.p(), 2);
      mpfi_inv(s.p(), s.p());
      c.lipschitz = upper(s);  // 1 / (2 sqrt(lo))
      mpfi_mul(s.p(), t.p(), lo.p());
      mpfi_mul_ui(s.p(), s.p(), 4);
      mpfi_inv(s.p(), s.p());
      c.second_derivative = upper(s);  // 1 / (4 lo^(3/2))
      mpfi_sqrt(s.p(), hi.p());
      c.sup_abs = upper(s);
      mpfi_sub(s.p(), s.p(), t.p());
      c.variation = upper(s);
      break;
    }
    case FunctionKind::Exp: {
      mpfi_exp(t.p(), hi.p());
      c.lipschitz = c.second_derivative = c.sup_abs = upper(t);
      mpfi_exp(s.p(), lo.p());
      mpfi_sub(s.p(), t.p(), s.p());
      c.variation = upper(s);
      break;
    }
    case FunctionKind::Sigmoid: {
      // sigma' = sigma (1 - sigma) decreases in |x|: its max is at the point nearest 0.
      Rational d = 0;
      if (f.lo > 0) d = f.lo;
      if (f.hi < 0) d = -f.hi;
      Iv z(kPrec, d), sg(kPrec), one_minus(kPrec);
      auto derivative2 = [&](const Iv& x) {  // |sigma''(x)| = sigma (1 - sigma) |1 - 2 sigma|
        Iv q(kPrec), w(kPrec), r(kPrec);
        sigma(q.p(), x.p());
        mpfi_ui_sub(w.p(), 1, q.p());
        mpfi_mul(r.p(), q.p(), w.p());
        mpfi_sub(w.p(), w.p(), q.p());
        mpfi_mul(r.p(), r.p(), w.p());
        return magnitude(r);
      };
      sigma(sg.p(), z.p());
      mpfi_ui_sub(one_minus.p(), 1, sg.p());
      mpfi_mul(t.p(), sg.p(), one_minus.p());
      c.lipschitz = upper(t);
      // |sigma''| peaks at +-z* = +-log(2 + sqrt 3) with value 1/(6 sqrt 3); elsewhere it
      // is monotone between 0, +-z* and infinity, so the max is at an end or a peak.
      Iv zs(kPrec, 3);
      mpfi_sqrt(zs.p(), zs.p());
      Iv peak(kPrec);
      mpfi_mul_ui(peak.p(), zs.p(), 6);
      mpfi_inv(peak.p(), peak.p());
      mpfi_add_ui(zs.p(), zs.p(), 2);
      mpfi_log(zs.p(), zs.p());  // z*
      Fr zlo(kPrec), zhi(kPrec);
      mpfi_get_left(zlo.p(), zs.p());
      mpfi_get_right(zhi.p(), zs.p());
      const double zl = mpfr_get_d(zlo.p(), MPFR_RNDD), zh = mpfr_get_d(zhi.p(), MPFR_RNDU);
      // (ends widened by 1e-9 so that rounding f.lo, f.hi to double cannot miss a peak)
      const double flo = to_double(f.lo) - 1e-9, fhi = to_double(f.hi) + 1e-9;
      const bool has_peak = (flo <= zh && fhi >= zl) || (flo <= -zl && fhi >= -zh);
      c.second_derivative = std::max(derivative2(lo), derivative2(hi));
      if (has_peak) c.second_derivative = std::max(c.second_derivative, upper(peak));
      Iv shi(kPrec), slo(kPrec);
      sigma(shi.p(), hi.p());
      sigma(slo.p(), lo.p());
      mpfi_sub(s.p(), shi.p(), slo.p());
      c.variation = upper(s);
      c.sup_abs = upper(shi);
      break;
    }
    case FunctionKind::Table: {
      Rational lip = 0, var = 0, sup = 0;
      for (std::size_t j = 0; j + 1 < f.knots.size(); ++j) {
        const Knot &k0 = f.knots[j], &k1 = f.knots[j + 1];
        const Rational a = std::max(k0.x, f.lo), b = std::min(k1.x, f.hi);
        if (!(a < b)) continue;
        const Rational slope = (k1.y - k0.y) / (k1.x - k0.x);
        lip = std::max(lip, rabs(slope));
        var += rabs(slope) * (b - a);
        sup = std::max({sup, rabs(k0.y), rabs(k1.y)});
      }
      c.sup_abs = up(sup);
      c.lipschitz = up(lip);
      c.variation = up(var);
      c.second_derivative = INFINITY;
      break;
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------
// Theorem 2.

namespace {
// kappa(alpha) as an interval (Lemma 4).
Iv kappa_interval(const Rational& alpha) {
  const Iv a(kPrec, alpha);
  Iv half_a(kPrec), tail(kPrec);
  mpfi_div_ui(half_a.p(), a.p(), 2);
  sigma(tail.p(), half_a.p());
  mpfi_ui_sub(tail.p(), 1, tail.p());  // 1 - sigma(alpha/2)
  if (alpha <= 4) return tail;
  Iv root(kPrec), s(kPrec), u(kPrec), g(kPrec);
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
  Fr gr(kPrec), tr(kPrec);
  mpfi_get_right(gr.p(), g.p());
  mpfi_get_right(tr.p(), tail.p());
  Iv out(kPrec);
  mpfi_interv_fr(out.p(), mpfr_cmp(gr.p(), tr.p()) > 0 ? gr.p() : tr.p(), mpfr_cmp(gr.p(), tr.p()) > 0 ? gr.p() : tr.p());
  return out;
}

Iv rho_interval(const Rational& alpha) {
  Iv r(kPrec, alpha), r2(kPrec), num(kPrec), den(kPrec);
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

double staircase_kappa(const Rational& alpha) { return upper(kappa_interval(alpha)); }
double staircase_rho(const Rational& alpha) { return upper(rho_interval(alpha)); }

double staircase_bound(int m, const Rational& width, const Rational& alpha, const FunctionConstants& f, double node_error) {
  if (m < 1 || !(alpha > 0) || !(width > 0)) return INFINITY;
  if (!std::isfinite(f.lipschitz) || !std::isfinite(f.variation)) return INFINITY;
  const Iv h(kPrec, Rational(width / m));
  Iv L(kPrec), Lh(kPrec), main1(kPrec), main2(kPrec), tail1(kPrec), tail2(kPrec), t(kPrec);
  mpfi_set_d(L.p(), f.lipschitz);
  mpfi_mul(Lh.p(), L.p(), h.p());
  mpfi_div_ui(main1.p(), Lh.p(), 2);  // L h / 2
  double main = upper(main1);
  if (std::isfinite(f.second_derivative)) {
    mpfi_mul(main2.p(), kappa_interval(alpha).p(), Lh.p());
    mpfi_sqr(t.p(), h.p());
    mpfi_mul_d(t.p(), t.p(), f.second_derivative);
    mpfi_div_ui(t.p(), t.p(), 8);
    mpfi_add(main2.p(), main2.p(), t.p());  // kappa L h + M2 h^2 / 8
    main = std::min(main, upper(main2));
  }
  mpfi_mul(tail1.p(), rho_interval(alpha).p(), Lh.p());  // rho L h
  Iv a(kPrec, alpha);
  mpfi_div_si(tail2.p(), a.p(), -2);
  mpfi_exp(tail2.p(), tail2.p());
  mpfi_mul_d(tail2.p(), tail2.p(), f.variation);  // V e^(-alpha/2)
  const double tail = std::min(upper(tail1), upper(tail2));
  // Sum of three nonnegative upper bounds, rounded up.
  Fr total(kPrec);
  mpfr_set_d(total.p(), main, MPFR_RNDU);
  mpfr_add_d(total.p(), total.p(), tail, MPFR_RNDU);
  mpfr_add_d(total.p(), total.p(), node_error, MPFR_RNDU);
  return mpfr_get_d(total.p(), MPFR_RNDU);
}

double staircase_bound(const Univariate& f, int m, const Rational& alpha, double node_error) {
  return staircase_bound(m, Rational(f.hi - f.lo), alpha, function_constants(f), node_error);
}

// ---------------------------------------------------------------------------------
// Theorem 3.

RoundingModel rounding_model(const ScalarSpec& scalar) {
  RoundingModel m;
  m.scalar = scalar.name();
  auto format = [&](int p, int emin, double max_finite) {
    m.u = std::ldexp(1.0, -p);
    m.eta = std::ldexp(1.0, emin - p);
    m.max_finite = max_finite;
  };
  switch (scalar.kind) {
    case ScalarKind::Float: format(24, -126, FLT_MAX); break;
    case ScalarKind::Double: format(53, -1022, DBL_MAX); break;
    case ScalarKind::LongDouble:
      m.u = std::ldexp(1.0, -64);
      m.eta = 0;  // 2^-16446 underflows double; its contribution is below any double
      m.max_finite = DBL_MAX;
      break;
    case ScalarKind::Float128: format(113, -16382, DBL_MAX); m.eta = 0; break;
    case ScalarKind::Mpfr:
    case ScalarKind::Mpfi:
      m.u = std::ldexp(1.0, -static_cast<int>(std::min<long>(scalar.precision, 1060)));
      m.eta = 0;  // MPFR's exponent range is practically unbounded
      break;
    case ScalarKind::Bf16: format(8, -126, 0x1.fep+127); break;
    case ScalarKind::Fp16: format(11, -14, 65504.0); break;
    case ScalarKind::Tf32: format(11, -126, 0x1.ffcp+127); break;
    case ScalarKind::Fp8e4m3: format(4, -6, 448.0); break;
    case ScalarKind::Fp8e5m2: format(3, -14, 57344.0); break;
    case ScalarKind::Exact: m.u = 0; break;
  }
  return m;
}

RoundingInputs rounding_inputs(const SigmoidBlock& block, int batch) { return rounding_inputs(block.channels, block.columns, batch); }

RoundingInputs rounding_inputs(const std::vector<Channel>& channels, const SigmoidColumns& columns, int batch) {
  RoundingInputs in;
  in.columns = batch * columns.columns();
  in.anchors = batch * columns.anchors;
  const Rational comp = column_compensation(columns);
  Rational c0 = 0;
  for (const Channel& ch : channels) {
    in.max_inputs = std::max<int>(in.max_inputs, static_cast<int>(ch.input.size()));
    const double U = up(ch.input_abs);
    for (const Term& t : ch.sum.terms) {
      const double c = up(rabs(ch.scale * t.c)), a = up(rabs(t.a)), b = up(rabs(t.b + comp));
      const double score = (a * U + b) * (1 + 1e-15);
      ++in.heads;
      in.sum_c += c;
      in.sum_c_score += c * score;
      in.max_score = std::max(in.max_score, score);
      in.max_weight = std::max({in.max_weight, a, b, c});
    }
    c0 += ch.scale * ch.sum.c0;
  }
  in.c0 = up(rabs(c0));
  in.max_weight = std::max(in.max_weight, in.c0);
  in.sum_c *= 1 + 1e-15;
  in.sum_c_score *= 1 + 1e-15;
  return in;
}

RoundingInputs staircase_rounding_inputs(const std::vector<Channel>& channels, int m, const Rational& alpha,
                                         const SigmoidColumns& columns) {
  RoundingInputs in;
  in.columns = columns.columns();
  in.anchors = columns.anchors;
  const double comp = std::fabs(to_double(column_compensation(columns))) * (1 + 1e-15);
  for (const Channel& ch : channels) {
    const FunctionConstants fc = function_constants(ch.f);
    const double scale = up(rabs(ch.scale)), U = up(ch.input_abs);
    const double eps = std::ldexp(fc.sup_abs * 1.0000001, 3 - 128);  // node error of staircase()
    const double s = up(alpha * m / (ch.f.hi - ch.f.lo));               // sharpness alpha / h
    const double T = up(std::max(rabs(ch.f.lo), rabs(ch.f.hi)));       // |b_k| = s |t_k| <= s T
    const double score = (s * (U + T) + comp) * (1 + 1e-15);
    const double sum_c = scale * (fc.variation + 2.0 * m * eps) * (1 + 1e-15);  // sum |y_k - y_{k-1}| <= V + 2 m eps
    in.max_inputs = std::max<int>(in.max_inputs, static_cast<int>(ch.input.size()));
    in.heads += m;
    in.sum_c += sum_c;
    in.sum_c_score += sum_c * score;
    in.c0 += scale * (fc.sup_abs + eps);
    in.max_score = std::max(in.max_score, score);
    in.max_weight = std::max({in.max_weight, score, scale * (fc.variation + 2 * eps)});
  }
  in.max_weight = std::max(in.max_weight, in.c0);
  return in;
}

double staircase_apriori_total(const std::vector<Channel>& channels, int m, const Rational& alpha, const RoundingModel& model,
                               double* approximation) {
  double approx = 0;
  for (const Channel& ch : channels) {
    const FunctionConstants fc = function_constants(ch.f);
    const double eps = std::ldexp(fc.sup_abs * 1.0000001, 3 - 128);
    approx += up(rabs(ch.scale)) * staircase_bound(m, Rational(ch.f.hi - ch.f.lo), alpha, fc, eps) * (1 + 1e-15);
  }
  if (approximation) *approximation = approx;
  return (approx + rounding_bound(staircase_rounding_inputs(channels, m, alpha), model)) * (1 + 1e-15);
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

double rounding_bound(const SigmoidBlock& block, const RoundingModel& model, int batch) {
  return rounding_bound(rounding_inputs(block, batch), model);
}

// ---------------------------------------------------------------------------------
// The a-posteriori certificate.

namespace {

// Taylor coefficients s_k = sigma^(k)(z)/k!, k = 0..K, of sigma at z (an interval): from
// sigma' = sigma - sigma^2, (k+1) s_{k+1} = s_k - sum_{j=0..k} s_j s_{k-j}.
void sigma_taylor(std::vector<Iv>& s, mpfi_srcptr z, int K, Iv& t1, Iv& t2) {
  sigma(s[0].p(), z);
  for (int k = 0; k < K; ++k) {
    // conv = sum_{j=0..k} s_j s_{k-j}, using the symmetry and squares (tighter).
    mpfi_set_ui(t1.p(), 0);
    for (int j = 0; 2 * j < k; ++j) {
      mpfi_mul(t2.p(), s[j].p(), s[k - j].p());
      mpfi_add(t1.p(), t1.p(), t2.p());
    }
    mpfi_mul_2ui(t1.p(), t1.p(), 1);
    if (k % 2 == 0) {
      mpfi_sqr(t2.p(), s[k / 2].p());
      mpfi_add(t1.p(), t1.p(), t2.p());
    }
    mpfi_sub(t1.p(), s[k].p(), t1.p());
    mpfi_div_ui(s[k + 1].p(), t1.p(), static_cast<unsigned long>(k + 1));
  }
}

struct TaylorContext {
  long prec;
  int K;
  const Univariate& f;
  std::vector<Iv> a, b, c;              // per term
  std::vector<std::vector<Iv>> ca;      // c_i a_i^k, k = 0..K+1
  Iv c0;
  std::vector<Iv> s, e;                 // scratch: sigma coefficients, e coefficients
  Iv z, t1, t2, rem, ft;
  TaylorContext(const Univariate& f_, const SigmoidSum& g, long prec_, int K_)
      : prec(prec_), K(K_), f(f_), c0(prec_, g.c0), z(prec_), t1(prec_), t2(prec_), rem(prec_), ft(prec_) {
    for (const Term& t : g.terms) {
      a.emplace_back(prec, t.a);
      b.emplace_back(prec, t.b);
      c.emplace_back(prec, t.c);
      std::vector<Iv> powers;
      Iv p(prec, t.c);
      for (int k = 0; k <= K + 1; ++k) {
        powers.push_back(p);
        mpfi_mul(p.p(), p.p(), a.back().p());
      }
      ca.push_back(std::move(powers));
    }
    for (int k = 0; k <= K + 1; ++k) {
      s.emplace_back(prec);
      e.emplace_back(prec);
    }
  }

  // f's Taylor coefficients f^(k)(x)/k! for k in [k0, k1], added to out[k] (x an interval).
  // `piece`: for tables, the knot index of the linear piece.
  void f_taylor(mpfi_srcptr x, int k0, int k1, std::vector<Iv>& out, int piece) {
    for (int k = k0; k <= k1; ++k) {
      switch (f.kind) {
        case FunctionKind::Square:
          if (k == 0) mpfi_sqr(ft.p(), x);
          else if (k == 1) mpfi_mul_ui(ft.p(), x, 2);
          else mpfi_set_ui(ft.p(), k == 2 ? 1 : 0);
          break;
        case FunctionKind::Exp: {
          mpfi_exp(ft.p(), x);
          for (int j = 2; j <= k; ++j) mpfi_div_ui(ft.p(), ft.p(), j);
          break;
        }
        case FunctionKind::Reciprocal: {  // (-1)^k / x^(k+1)
          mpfi_inv(t1.p(), x);
          mpfi_set(ft.p(), t1.p());
          for (int j = 0; j < k; ++j) mpfi_mul(ft.p(), ft.p(), t1.p());
          if (k % 2) mpfi_neg(ft.p(), ft.p());
          break;
        }
        case FunctionKind::Sqrt: {  // binom(1/2, k) sqrt(x) / x^k
          Rational coeff = 1;
          for (int j = 0; j < k; ++j) coeff = coeff * (Rational(1, 2) - j) / (j + 1);
          mpfi_sqrt(ft.p(), x);
          mpfi_inv(t1.p(), x);
          for (int j = 0; j < k; ++j) mpfi_mul(ft.p(), ft.p(), t1.p());
          mpfi_mul_q(ft.p(), ft.p(), coeff.backend().data());
          break;
        }
        case FunctionKind::Sigmoid: {
          std::vector<Iv> sx;
          for (int j = 0; j <= k; ++j) sx.emplace_back(prec);
          sigma_taylor(sx, x, k, t1, t2);
          mpfi_set(ft.p(), sx[k].p());
          break;
        }
        case FunctionKind::Table: {
          const Knot &k0n = f.knots[piece], &k1n = f.knots[piece + 1];
          const Rational slope = (k1n.y - k0n.y) / (k1n.x - k0n.x);
          if (k == 0) {
            Iv x0(prec, k0n.x), y0(prec, k0n.y);
            mpfi_sub(ft.p(), x, x0.p());
            mpfi_mul_q(ft.p(), ft.p(), slope.backend().data());
            mpfi_add(ft.p(), ft.p(), y0.p());
          } else if (k == 1) {
            mpfi_set_q(ft.p(), slope.backend().data());
          } else {
            mpfi_set_ui(ft.p(), 0);
          }
          break;
        }
      }
      mpfi_add(out[k].p(), out[k].p(), ft.p());
    }
  }

  // Enclosure of e = f - g over the cell [xl, xr] with expansion point xm inside it.
  // Returns (upper bound of |e| on the cell, lower bound of |e(xm)|).
  std::pair<double, double> cell(mpfr_srcptr xl, mpfr_srcptr xm, mpfr_srcptr xr, int piece) {
    Iv M(prec), X(prec), D(prec);
    mpfi_set_fr(M.p(), xm);
    mpfi_interv_fr(X.p(), xl, xr);
    // e's Taylor coefficients at xm: f's minus g's.
    for (int k = 0; k <= K + 1; ++k) mpfi_set_ui(e[k].p(), 0);
    f_taylor(M.p(), 0, K, e, piece);
    mpfi_sub(e[0].p(), e[0].p(), c0.p());
    f_taylor(X.p(), K + 1, K + 1, e, piece);  // f^(K+1)(X)/(K+1)! into e[K+1]
    for (std::size_t i = 0; i < a.size(); ++i) {
      mpfi_mul(z.p(), a[i].p(), M.p());
      mpfi_add(z.p(), z.p(), b[i].p());
      sigma_taylor(s, z.p(), K, t1, t2);
      for (int k = 0; k <= K; ++k) {
        mpfi_mul(t1.p(), ca[i][k].p(), s[k].p());
        mpfi_sub(e[k].p(), e[k].p(), t1.p());
      }
      mpfi_mul(z.p(), a[i].p(), X.p());
      mpfi_add(z.p(), z.p(), b[i].p());
      sigma_taylor(s, z.p(), K + 1, t1, t2);
      mpfi_mul(t1.p(), ca[i][K + 1].p(), s[K + 1].p());
      mpfi_sub(e[K + 1].p(), e[K + 1].p(), t1.p());
    }
    // D = [xl - xm, xr - xm] within [-r, r]; t^k ranges over [-r^k, r^k] (odd k) or [0, r^k].
    Fr r(prec), lo_d(prec), hi_d(prec);
    mpfr_sub(lo_d.p(), xm, xl, MPFR_RNDU);
    mpfr_sub(hi_d.p(), xr, xm, MPFR_RNDU);
    mpfr_max(r.p(), lo_d.p(), hi_d.p(), MPFR_RNDU);
    Iv enc(prec), term(prec), pw(prec);
    mpfi_set(enc.p(), e[0].p());
    Fr rk(prec), zero(prec);
    mpfr_set(rk.p(), r.p(), MPFR_RNDU);
    mpfr_set_zero(zero.p(), 1);
    Fr neg(prec);
    for (int k = 1; k <= K + 1; ++k) {
      if (k % 2) {
        mpfr_neg(neg.p(), rk.p(), MPFR_RNDD);
        mpfi_interv_fr(pw.p(), neg.p(), rk.p());
      } else {
        mpfi_interv_fr(pw.p(), zero.p(), rk.p());
      }
      mpfi_mul(term.p(), e[k].p(), pw.p());
      mpfi_add(enc.p(), enc.p(), term.p());
      mpfr_mul(rk.p(), rk.p(), r.p(), MPFR_RNDU);
    }
    return {magnitude(enc), mignitude(e[0])};
  }
};

struct Cell {
  double upper;
  int piece;
  int depth;
  unsigned long long index;
  bool operator<(const Cell& o) const { return upper < o.upper; }
};

}  // namespace

Certificate certify(const Univariate& f, const SigmoidSum& g, const CertifyOptions& options) {
  const long prec = options.precision;
  const int K = std::max(2, options.order);
  constexpr long kEndPrec = 512;
  // Pieces: [lo, hi] split at the knots of a table; ends rounded outward (a sliver past
  // a knot only adds cells whose enclosure is of the neighbouring line, which can only
  // raise the bound).
  std::vector<std::pair<Rational, Rational>> pieces;
  std::vector<int> piece_knot;
  if (f.kind == FunctionKind::Table) {
    for (std::size_t j = 0; j + 1 < f.knots.size(); ++j) {
      const Rational a = std::max(f.knots[j].x, f.lo), b = std::min(f.knots[j + 1].x, f.hi);
      if (a < b) {
        pieces.emplace_back(a, b);
        piece_knot.push_back(static_cast<int>(j));
      }
    }
  } else {
    pieces.emplace_back(f.lo, f.hi);
    piece_knot.push_back(0);
  }
  std::vector<Fr> left, right;
  for (const auto& [a, b] : pieces) {
    left.emplace_back(kEndPrec);
    right.emplace_back(kEndPrec);
    mpfr_set_q(left.back().p(), a.backend().data(), MPFR_RNDD);
    mpfr_set_q(right.back().p(), b.backend().data(), MPFR_RNDU);
  }
  // x(piece, index / 2^depth), computed the same way for equal fractions.
  Fr pos(kEndPrec);
  auto point = [&](Fr& out, int piece, int depth, unsigned long long index) {
    while (depth > 0 && index % 2 == 0) {
      index /= 2;
      --depth;
    }
    mpfr_sub(out.p(), right[piece].p(), left[piece].p(), MPFR_RNDN);
    mpfr_mul_ui(out.p(), out.p(), static_cast<unsigned long>(index), MPFR_RNDN);
    mpfr_div_2ui(out.p(), out.p(), static_cast<unsigned long>(depth), MPFR_RNDN);
    mpfr_add(out.p(), out.p(), left[piece].p(), MPFR_RNDN);
  };
  double a_max = 0;
  for (const Term& t : g.terms) a_max = std::max(a_max, std::fabs(to_double(t.a)));

  TaylorContext ctx(f, g, prec, K);
  Certificate cert;
  std::priority_queue<Cell> queue;
  double best_lower = 0;
  Fr xl(kEndPrec), xm(kEndPrec), xr(kEndPrec);
  auto evaluate = [&](int piece, int depth, unsigned long long index) {
    point(xl, piece, depth, index);
    point(xr, piece, depth, index + 1);
    point(xm, piece, depth + 1, 2 * index + 1);
    auto [hi, lo] = ctx.cell(xl.p(), xm.p(), xr.p(), piece_knot[piece]);
    ++cert.cells;
    best_lower = std::max(best_lower, lo);
    queue.push({std::isnan(hi) ? INFINITY : hi, piece, depth, index});
  };
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    const double width = to_double(pieces[p].second - pieces[p].first);
    const double wanted = std::clamp(std::ceil(2 * width * a_max), 4.0, 65536.0);
    int depth = 0;
    while ((1ull << depth) < wanted) ++depth;
    for (unsigned long long i = 0; i < (1ull << depth); ++i) evaluate(static_cast<int>(p), depth, i);
  }
  while (true) {
    const Cell top = queue.top();
    if (top.upper <= best_lower * (1 + options.relative_tolerance) || top.upper - best_lower <= options.absolute_tolerance) {
      cert.converged = true;
      break;
    }
    if (options.target > 0 && (top.upper <= options.target || best_lower > options.target)) break;
    if (cert.cells >= options.max_cells || top.depth >= 60) break;
    queue.pop();
    evaluate(top.piece, top.depth + 1, 2 * top.index);
    evaluate(top.piece, top.depth + 1, 2 * top.index + 1);
  }
  cert.bound = queue.top().upper;
  cert.lower = best_lower;
  return cert;
}

BlockBound block_bound(const SigmoidBlock& block, const RoundingModel& model, const CertifyOptions& options) {
  BlockBound out;
  out.certified = block.construction == Construction::Fitted;
  Fr approx(kPrec), t(kPrec);
  mpfr_set_zero(approx.p(), 1);
  double sum_c = 0;
  for (const Channel& ch : block.channels) {
    double b;
    if (block.construction == Construction::Staircase) {
      b = staircase_bound(ch.f, block.terms, ch.sum.width_factor, ch.sum.node_error);
    } else {
      const Certificate c = certify(ch.f, ch.sum, options);
      b = c.bound;
      out.converged = out.converged && c.converged;
      out.cells += c.cells;
      if (block.channels.size() == 1) out.lower = to_double(rabs(ch.scale)) * c.lower;
    }
    mpfr_set_q(t.p(), rabs(ch.scale).backend().data(), MPFR_RNDU);
    mpfr_mul_d(t.p(), t.p(), b, MPFR_RNDU);
    mpfr_add(approx.p(), approx.p(), t.p(), MPFR_RNDU);
    for (const Term& term : ch.sum.terms) sum_c += up(rabs(ch.scale * term.c));
  }
  // Unbalanced columns: the key bias is within delta of its ideal value, and sigma is
  // 1/4-Lipschitz.
  const double delta = column_compensation_error(block.columns);
  if (delta > 0) mpfr_add_d(approx.p(), approx.p(), sum_c * (1 + 1e-12) * delta / 4, MPFR_RNDU);
  out.approximation = mpfr_get_d(approx.p(), MPFR_RNDU);
  out.rounding = rounding_bound(block, model);
  mpfr_set_d(t.p(), out.approximation, MPFR_RNDU);
  mpfr_add_d(t.p(), t.p(), out.rounding, MPFR_RNDU);
  out.total = mpfr_get_d(t.p(), MPFR_RNDU);
  return out;
}

}  // namespace loopcert::sigmoid
