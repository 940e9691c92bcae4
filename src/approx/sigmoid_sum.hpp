// Sums of sigmoids c0 + sum_i c_i sigma(a_i u + b_i) with exact rational weights that
// approximate a function f on [lo, hi] (proofs/sigmoid.md, section 3):
//   - the staircase (steps at grid midpoints, sharpness alpha/h; a-priori bound
//     Theorem 2, bounds/sigmoid.hpp),
//   - the fitted sum (centres on a grid, sharpness beta/h, weights by least squares;
//     certified a posteriori, cert/sigmoid_certificate.hpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "approx/function.hpp"
#include "core/rational.hpp"

namespace loopcert::approx {

struct Term {
  Rational a, b, c;
};

struct SigmoidSum {
  Rational c0;
  std::vector<Term> terms;
  // Staircase: max |y~_k - f(x_k)| of the node values rounded to rationals (the epsilon
  // of proofs/sigmoid.md, Theorem 2); 0 when they are exact.
  double node_error = 0;
  // The sharpness times the grid step: alpha (staircase) or beta (fitted).
  Rational width_factor;
};

long double evaluate_ld(const SigmoidSum& g, long double u);
// Largest |f - g| on `points` equally spaced points of [lo, hi], in long double. An
// estimate (used to choose the fitted width), never a bound.
double grid_error(const Univariate& f, const SigmoidSum& g, int points);

enum class Construction { Staircase, Fitted };
std::string construction_name(Construction c);  // "staircase" / "fitted"

// The staircase's sharpness factor: s = alpha / h with h = (hi - lo) / m. alpha = 6
// is within 2.2% of the minimum of kappa(alpha) + rho(alpha) of Theorem 2 (0.1192 vs 0.1167).
Rational default_staircase_alpha();
// Theorem 2's staircase: nodes x_k = lo + k h (k = 0..m), steps of height
// y_k - y_{k-1} at t_k = lo + (k - 1/2) h, sharpness alpha / h, c0 = y_0.
SigmoidSum staircase(const Univariate& f, int m, const Rational& alpha);

// Fitted: centres t_i = lo + (i - 1/2) h (i = 1..m), sharpness beta / h, weights c0, c_i
// by least squares (Eigen, column-pivoting QR in long double) on 8m + 64 Chebyshev
// points (plus the knots of a table). The weights become exact rationals (the long
// double values exactly).
SigmoidSum fit(const Univariate& f, int m, const Rational& beta);
// Candidate widths: wider sigmoids (small beta) fit better but need larger weights.
std::vector<Rational> default_fit_betas();  // 1/8, 1/4, 1/2, 1, 2

// Progress of a fit among candidate widths (issue 16, item 3; the command line draws it):
// `done` widths fitted and scored of `widths`, called before each width's least-squares
// solve and once after the last. Only reports: the fit is the same with or without it.
using FitProgress = std::function<void(int done, int widths)>;

// The fit among `betas` with the smallest estimated total error: grid_error on
// 16m + 1001 points plus `penalty` (e.g. the rounding bound at the target scalar; null:
// none); among infinite ones (the penalty's hypotheses fail for every width), the
// smallest value weights. Throws std::invalid_argument for no betas.
SigmoidSum best_fit(const Univariate& f, int m, const std::vector<Rational>& betas,
                    const std::function<double(const SigmoidSum&)>& penalty = {}, const FitProgress& on_width = {});

}  // namespace loopcert::approx
