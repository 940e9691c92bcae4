// Sums of sigmoids (approx/sigmoid_sum.hpp).
#include "approx/sigmoid_sum.hpp"

#include "approx/detail/width_choice.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "approx/detail/conversions.hpp"

namespace loopcert::approx {

using detail::ld_to_rational;
using detail::rational_to_ld;
using detail::to_rational;

long double evaluate_ld(const SigmoidSum& g, long double u) {
  long double total = rational_to_ld(g.c0);
  for (const auto& t : g.terms) total += rational_to_ld(t.c) * sigma_ld(rational_to_ld(t.a) * u + rational_to_ld(t.b));
  return total;
}

double grid_error(const Univariate& f, const SigmoidSum& g, int points) {
  const long double lo = rational_to_ld(f.lo), hi = rational_to_ld(f.hi);
  std::vector<long double> a, b, c;
  for (const auto& t : g.terms) {
    a.push_back(rational_to_ld(t.a));
    b.push_back(rational_to_ld(t.b));
    c.push_back(rational_to_ld(t.c));
  }
  const long double c0 = rational_to_ld(g.c0);
  long double worst = 0;
  for (int k = 0; k < points; ++k) {
    const long double x = points == 1 ? lo : lo + (hi - lo) * k / (points - 1);
    long double total = c0;
    for (std::size_t i = 0; i < a.size(); ++i) total += c[i] * sigma_ld(a[i] * x + b[i]);
    worst = std::max(worst, std::fabs(total - evaluate_ld(f, x)));
  }
  return static_cast<double>(worst);
}

std::string construction_name(Construction c) { return c == Construction::Staircase ? "staircase" : "fitted"; }

Rational default_staircase_alpha() { return 6; }

std::vector<Rational> default_fit_betas() { return {Rational(1, 8), Rational(1, 4), Rational(1, 2), 1, 2}; }

SigmoidSum staircase(const Univariate& f, int m, const Rational& alpha) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  const Rational h = (f.hi - f.lo) / m;
  const Rational s = alpha / h;
  SigmoidSum g;
  g.width_factor = alpha;
  // Node values y_k: exact when f is rational at rational points, else rounded to
  // nearest at 128 bits (composite sigmoid: within 4 ulps) and taken exactly.
  constexpr long kNodeBits = 128;
  std::vector<Rational> y(m + 1);
  double node_error = 0;
  {
    MpfrPrecisionScope scope(kNodeBits);
    for (int k = 0; k <= m; ++k) {
      const Rational x = f.lo + h * k;
      if (auto q = evaluate_exact(f, x)) {
        y[k] = *q;
      } else {
        MpfrReal v = evaluate_mpfr(f, MpfrReal(x));
        y[k] = to_rational(v.raw());
        // |error| <= 4 ulp <= 2^(3 - 128) |v| (relative 2^-127 per ulp at most), rounded up generously.
        node_error = std::max(node_error, std::ldexp(std::fabs(static_cast<double>(v)) * 1.0000001, 3 - static_cast<int>(kNodeBits)));
      }
    }
  }
  g.node_error = node_error;
  g.c0 = y[0];
  for (int k = 1; k <= m; ++k) {
    const Rational t = f.lo + h * (2 * k - 1) / 2;
    g.terms.push_back({s, Rational(-s * t), Rational(y[k] - y[k - 1])});
  }
  return g;
}

SigmoidSum fit(const Univariate& f, int m, const Rational& beta) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  using LMatrix = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  using LVector = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const Rational h = (f.hi - f.lo) / m;
  const Rational s = beta / h;
  SigmoidSum g;
  g.width_factor = beta;
  for (int i = 1; i <= m; ++i) {
    const Rational t = f.lo + h * (2 * i - 1) / 2;
    g.terms.push_back({s, Rational(-s * t), Rational(0)});
  }
  const long double lo = rational_to_ld(f.lo), hi = rational_to_ld(f.hi);
  std::vector<long double> xs;
  const int n = 8 * m + 64;
  const long double pi = 3.141592653589793238462643383279502884L;
  for (int k = 0; k < n; ++k) xs.push_back((lo + hi) / 2 - (hi - lo) / 2 * std::cos(pi * (k + 0.5L) / n));
  xs.push_back(lo);
  xs.push_back(hi);
  for (const auto& k : f.knots)
    if (k.x > f.lo && k.x < f.hi) xs.push_back(rational_to_ld(k.x));
  std::vector<long double> a, b;
  for (const auto& t : g.terms) {
    a.push_back(rational_to_ld(t.a));
    b.push_back(rational_to_ld(t.b));
  }
  LMatrix A(xs.size(), m + 1);
  LVector rhs(xs.size());
  for (std::size_t r = 0; r < xs.size(); ++r) {
    A(r, 0) = 1;
    for (int i = 0; i < m; ++i) A(r, i + 1) = sigma_ld(a[i] * xs[r] + b[i]);
    rhs(r) = evaluate_ld(f, xs[r]);
  }
  const LVector c = A.colPivHouseholderQr().solve(rhs);
  g.c0 = ld_to_rational(c(0));
  for (int i = 0; i < m; ++i) g.terms[i].c = ld_to_rational(c(i + 1));
  return g;
}

namespace detail {

SigmoidSum best_width(const Univariate& f, int m, const std::vector<Rational>& betas,
                      const std::function<SigmoidSum(const Rational&)>& fit_at,
                      const std::function<double(const SigmoidSum&)>& penalty, const FitProgress& on_width) {
  if (betas.empty()) throw std::invalid_argument("no candidate widths for the fitted construction");
  std::pair<double, double> best{INFINITY, INFINITY};
  SigmoidSum chosen;
  const int widths = static_cast<int>(betas.size());
  int done = 0;
  for (const Rational& beta : betas) {
    if (on_width) on_width(done++, widths);
    SigmoidSum trial = fit_at(beta);
    double cost = grid_error(f, trial, 16 * m + 1001);
    if (penalty) cost += penalty(trial);
    if (!std::isfinite(cost)) cost = INFINITY;
    double weight = 0;
    for (const Term& t : trial.terms) weight = std::max(weight, std::fabs(to_double(t.c)));
    const std::pair<double, double> key{cost, weight};
    if (chosen.terms.empty() || key < best) {
      best = key;
      chosen = std::move(trial);
    }
  }
  if (on_width) on_width(widths, widths);
  return chosen;
}

}  // namespace detail

SigmoidSum best_fit(const Univariate& f, int m, const std::vector<Rational>& betas,
                    const std::function<double(const SigmoidSum&)>& penalty, const FitProgress& on_width) {
  return detail::best_width(f, m, betas, [&](const Rational& beta) { return fit(f, m, beta); }, penalty, on_width);
}

}  // namespace loopcert::approx
