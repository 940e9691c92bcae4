// Fits on a uniform or geometric grid (approx/function_fit.hpp).
#include "approx/function_fit.hpp"

#include "approx/detail/width_choice.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "approx/detail/conversions.hpp"

namespace loopcert::approx {

using detail::ld_to_rational;
using detail::rational_to_ld;

namespace {

// The grid's variable s in [0, 1] mapped to x in [lo, hi].
long double grid_point(long double lo, long double hi, long double s, FitGrid grid) {
  return grid == FitGrid::Geometric ? lo * std::pow(hi / lo, s) : lo + (hi - lo) * s;
}

}  // namespace

FitGrid natural_grid(FunctionKind kind) {
  return kind == FunctionKind::Reciprocal || kind == FunctionKind::Sqrt || kind == FunctionKind::Rsqrt ? FitGrid::Geometric : FitGrid::Uniform;
}

std::vector<Rational> function_fit_betas() { return {Rational(1, 8), Rational(1, 4), Rational(1, 2), Rational(1), Rational(2)}; }

SigmoidSum fit_on_grid(const Univariate& f, int m, const Rational& beta, FitGrid grid) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  if (grid == FitGrid::Geometric && !(f.lo > 0)) throw std::invalid_argument("a geometric grid needs 0 < lo");
  using LMatrix = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  using LVector = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const long double lo = rational_to_ld(f.lo), hi = rational_to_ld(f.hi);
  SigmoidSum g;
  g.width_factor = beta;
  const long double b = rational_to_ld(beta);
  for (int i = 0; i < m; ++i) {
    const long double t = grid_point(lo, hi, (i + 0.5L) / m, grid);
    // Local spacing: dx/ds / m (geometric: t log(hi/lo) / m).
    const long double h = grid == FitGrid::Geometric ? t * std::log(hi / lo) / m : (hi - lo) / m;
    const Rational a = ld_to_rational(b / h);
    g.terms.push_back({a, Rational(-a * ld_to_rational(t)), Rational(0)});
  }
  std::vector<long double> xs = {lo, hi};
  const int n = 16 * m + 200;
  const long double pi = 3.141592653589793238462643383279502884L;
  for (int k = 0; k < n; ++k) xs.push_back(grid_point(lo, hi, 0.5L - 0.5L * std::cos(pi * (k + 0.5L) / n), grid));
  std::vector<long double> a, bb;
  for (const auto& t : g.terms) a.push_back(rational_to_ld(t.a)), bb.push_back(rational_to_ld(t.b));
  LMatrix A(xs.size(), m + 1);
  LVector rhs(xs.size());
  for (std::size_t r = 0; r < xs.size(); ++r) {
    const long double y = evaluate_ld(f, xs[r]);
    const long double w = 1 / std::max(1.0L, std::fabs(y));  // the mixed measure
    A(r, 0) = w;
    for (int i = 0; i < m; ++i) A(r, i + 1) = w * sigma_ld(a[i] * xs[r] + bb[i]);
    rhs(r) = w * y;
  }
  const LVector c = A.colPivHouseholderQr().solve(rhs);
  g.c0 = ld_to_rational(c(0));
  for (int i = 0; i < m; ++i) g.terms[i].c = ld_to_rational(c(i + 1));
  return g;
}

SigmoidSum best_fit_on_grid(const Univariate& f, int m, const std::vector<Rational>& betas, FitGrid grid,
                            const std::function<double(const SigmoidSum&)>& penalty, const FitProgress& on_width) {
  return detail::best_width(f, m, betas, [&](const Rational& beta) { return fit_on_grid(f, m, beta, grid); }, penalty, on_width);
}

}  // namespace loopcert::approx
