// The a-posteriori certificate (cert/sigmoid_certificate.hpp). Interval arithmetic
// through MPFI's C API (core/mpfi_interval.hpp); every variable has its own precision.
#include "cert/sigmoid_certificate.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

#include "analysis/sigmoid_bound_inputs.hpp"
#include "core/mpfi_interval.hpp"

namespace loopcert::cert {

using approx::FunctionKind;
using approx::Knot;
using approx::SigmoidSum;
using approx::Term;
using approx::Univariate;
using approx::Channel;
using blocks::SigmoidBlock;
using bounds::RoundingModel;

namespace {

constexpr long kPrec = 128;

// Taylor coefficients s_k = sigma^(k)(z)/k!, k = 0..K, of sigma at z (an interval): from
// sigma' = sigma - sigma^2, (k+1) s_{k+1} = s_k - sum_{j=0..k} s_j s_{k-j}.
void sigma_taylor(std::vector<Interval>& s, mpfi_srcptr z, int K, Interval& t1, Interval& t2) {
  sigmoid_enclosure(s[0].p(), z);
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
  std::vector<Interval> a, b, c;              // per term
  std::vector<std::vector<Interval>> ca;      // c_i a_i^k, k = 0..K+1
  Interval c0;
  std::vector<Interval> s, e;                 // scratch: sigma coefficients, e coefficients
  Interval z, t1, t2, rem, ft;
  TaylorContext(const Univariate& f_, const SigmoidSum& g, long prec_, int K_)
      : prec(prec_), K(K_), f(f_), c0(prec_, g.c0), z(prec_), t1(prec_), t2(prec_), rem(prec_), ft(prec_) {
    for (const Term& t : g.terms) {
      a.emplace_back(prec, t.a);
      b.emplace_back(prec, t.b);
      c.emplace_back(prec, t.c);
      std::vector<Interval> powers;
      Interval p(prec, t.c);
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

  // f^(k)(x)/k! into ft (x an interval). `piece`: for tables, the knot index of the
  // linear piece.
  void f_coefficient(mpfi_srcptr x, int k, int piece) {
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
      case FunctionKind::Rsqrt: {  // binom(-1/2, k) x^(-1/2) / x^k
        Rational coeff = 1;
        for (int j = 0; j < k; ++j) coeff = coeff * (Rational(-1, 2) - j) / (j + 1);
        mpfi_sqrt(ft.p(), x);
        mpfi_inv(ft.p(), ft.p());
        mpfi_inv(t1.p(), x);
        for (int j = 0; j < k; ++j) mpfi_mul(ft.p(), ft.p(), t1.p());
        mpfi_mul_q(ft.p(), ft.p(), coeff.backend().data());
        break;
      }
      case FunctionKind::Sigmoid: {
        std::vector<Interval> sx;
        for (int j = 0; j <= k; ++j) sx.emplace_back(prec);
        sigma_taylor(sx, x, k, t1, t2);
        mpfi_set(ft.p(), sx[k].p());
        break;
      }
      case FunctionKind::Table: table_coefficient(x, k, piece); break;
    }
  }

  // The table's linear piece y0 + slope (x - x0): value, slope, then zeros.
  void table_coefficient(mpfi_srcptr x, int k, int piece) {
    const Knot &k0n = f.knots[piece], &k1n = f.knots[piece + 1];
    const Rational slope = (k1n.y - k0n.y) / (k1n.x - k0n.x);
    if (k == 0) {
      Interval x0(prec, k0n.x), y0(prec, k0n.y);
      mpfi_sub(ft.p(), x, x0.p());
      mpfi_mul_q(ft.p(), ft.p(), slope.backend().data());
      mpfi_add(ft.p(), ft.p(), y0.p());
    } else if (k == 1) {
      mpfi_set_q(ft.p(), slope.backend().data());
    } else {
      mpfi_set_ui(ft.p(), 0);
    }
  }

  // f's Taylor coefficients f^(k)(x)/k! for k in [k0, k1], added to out[k].
  void f_taylor(mpfi_srcptr x, int k0, int k1, std::vector<Interval>& out, int piece) {
    for (int k = k0; k <= k1; ++k) {
      f_coefficient(x, k, piece);
      mpfi_add(out[k].p(), out[k].p(), ft.p());
    }
  }

  // Enclosure of e = f - g over the cell [xl, xr] with expansion point xm inside it.
  // Returns (upper bound of |e| on the cell, lower bound of |e(xm)|).
  std::pair<double, double> cell(mpfr_srcptr xl, mpfr_srcptr xm, mpfr_srcptr xr, int piece) {
    Interval M(prec), X(prec), D(prec);
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
    MpfrNumber r(prec), lo_d(prec), hi_d(prec);
    mpfr_sub(lo_d.p(), xm, xl, MPFR_RNDU);
    mpfr_sub(hi_d.p(), xr, xm, MPFR_RNDU);
    mpfr_max(r.p(), lo_d.p(), hi_d.p(), MPFR_RNDU);
    Interval enc(prec), term(prec), pw(prec);
    mpfi_set(enc.p(), e[0].p());
    MpfrNumber rk(prec), zero(prec);
    mpfr_set(rk.p(), r.p(), MPFR_RNDU);
    mpfr_set_zero(zero.p(), 1);
    MpfrNumber neg(prec);
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
    return {magnitude_up(enc), mignitude_down(e[0])};
  }
};

struct Cell {
  double upper;
  int piece;
  int depth;
  unsigned long long index;
  bool operator<(const Cell& o) const { return upper < o.upper; }
};

// The pieces of [lo, hi] a certificate works on: [lo, hi] split at the knots of a
// table (knot: the index of the table's linear piece); ends rounded outward later (a
// sliver past a knot only adds cells whose enclosure is of the neighbouring line, which
// can only raise the bound).
struct Piece {
  Rational lo, hi;
  int knot = 0;
};
std::vector<Piece> certificate_pieces(const Univariate& f) {
  if (f.kind != FunctionKind::Table) return {{f.lo, f.hi, 0}};
  std::vector<Piece> pieces;
  for (std::size_t j = 0; j + 1 < f.knots.size(); ++j) {
    const Rational a = std::max(f.knots[j].x, f.lo), b = std::min(f.knots[j + 1].x, f.hi);
    if (a < b) pieces.push_back({a, b, static_cast<int>(j)});
  }
  return pieces;
}

}  // namespace

Certificate certify(const Univariate& f, const SigmoidSum& g, const CertifyOptions& options) {
  const long prec = options.precision;
  const int K = std::max(2, options.order);
  constexpr long kEndPrec = 512;
  const std::vector<Piece> pieces = certificate_pieces(f);
  std::vector<MpfrNumber> left, right;
  for (const Piece& piece : pieces) {
    left.emplace_back(kEndPrec);
    right.emplace_back(kEndPrec);
    mpfr_set_q(left.back().p(), piece.lo.backend().data(), MPFR_RNDD);
    mpfr_set_q(right.back().p(), piece.hi.backend().data(), MPFR_RNDU);
  }
  // x(piece, index / 2^depth), computed the same way for equal fractions.
  auto point = [&](MpfrNumber& out, int piece, int depth, unsigned long long index) {
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
  MpfrNumber xl(kEndPrec), xm(kEndPrec), xr(kEndPrec);
  auto evaluate = [&](int piece, int depth, unsigned long long index) {
    point(xl, piece, depth, index);
    point(xr, piece, depth, index + 1);
    point(xm, piece, depth + 1, 2 * index + 1);
    auto [hi, lo] = ctx.cell(xl.p(), xm.p(), xr.p(), pieces[piece].knot);
    ++cert.cells;
    if (options.on_cells && cert.cells % 64 == 0) options.on_cells(cert.cells, options.max_cells);
    best_lower = std::max(best_lower, lo);
    queue.push({std::isnan(hi) ? INFINITY : hi, piece, depth, index});
  };
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    const double width = to_double(pieces[p].hi - pieces[p].lo);
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
  out.certified = block.construction == approx::Construction::Fitted;
  MpfrNumber approx_sum(kPrec), t(kPrec);
  mpfr_set_zero(approx_sum.p(), 1);
  double sum_c = 0;
  CertifyOptions each = options;  // progress counts the cells of every channel
  if (options.on_cells)
    each.on_cells = [&](long cells, long) { options.on_cells(out.cells + cells, options.max_cells * static_cast<long>(block.channels.size())); };
  for (const Channel& ch : block.channels) {
    double b;
    if (block.construction == approx::Construction::Staircase) {
      b = analysis::staircase_bound(ch.f, block.terms, ch.sum.width_factor, ch.sum.node_error);
    } else {
      const Certificate c = certify(ch.f, ch.sum, each);
      b = c.bound;
      out.converged = out.converged && c.converged;
      out.cells += c.cells;
      if (block.channels.size() == 1) out.lower = to_double(rational_abs(ch.scale)) * c.lower;
    }
    mpfr_set_q(t.p(), rational_abs(ch.scale).backend().data(), MPFR_RNDU);
    mpfr_mul_d(t.p(), t.p(), b, MPFR_RNDU);
    mpfr_add(approx_sum.p(), approx_sum.p(), t.p(), MPFR_RNDU);
    for (const Term& term : ch.sum.terms) sum_c += round_up(rational_abs(ch.scale * term.c));
  }
  // Unbalanced columns: the key bias is within delta of its ideal value, and sigma is
  // 1/4-Lipschitz.
  const double delta = blocks::column_compensation_error(block.columns);
  if (delta > 0) mpfr_add_d(approx_sum.p(), approx_sum.p(), sum_c * (1 + 1e-12) * delta / 4, MPFR_RNDU);
  out.approximation = mpfr_get_d(approx_sum.p(), MPFR_RNDU);
  out.rounding = analysis::rounding_bound(block, model);
  mpfr_set_d(t.p(), out.approximation, MPFR_RNDU);
  mpfr_add_d(t.p(), t.p(), out.rounding, MPFR_RNDU);
  out.total = mpfr_get_d(t.p(), MPFR_RNDU);
  return out;
}

}  // namespace loopcert::cert
