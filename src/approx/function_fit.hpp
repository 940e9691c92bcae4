// Fitted sums of sigmoids for FLEQ's elementwise functions (blocks/fleq_function.hpp).
// approx/sigmoid_sum.hpp's fit puts the centres on a uniform grid, which suits exp but
// not 1/x, sqrt or 1/sqrt x on a range like 1/8..8: those vary on the scale of x, so a
// uniform grid wastes its terms where they are flat and needs huge weights near lo (a
// 16-term fit of 1/x on 1/4..4 has weights of 1e10). Here the grid can be geometric:
// centres t_i = lo (hi/lo)^((i - 1/2)/m), each term's sharpness beta over its local
// spacing, weights by least squares in the mixed measure |g - f| / max(1, |f|) (the one
// `loopcert run` reports). The weights are exact rationals, as in sigmoid_sum.hpp; the
// error of a sum is certified a posteriori (cert/sigmoid_certificate.hpp).
#pragma once
#include <functional>
#include <vector>

#include "approx/function.hpp"
#include "approx/sigmoid_sum.hpp"
#include "core/rational.hpp"

namespace loopcert::approx {

enum class FitGrid { Uniform, Geometric };  // Geometric needs 0 < lo

// The grid FLEQ uses for f: geometric for 1/x, sqrt, 1/sqrt x; uniform otherwise.
FitGrid natural_grid(FunctionKind kind);

// m centres on the grid, sharpness beta / (local spacing), least-squares weights on
// 16 m + 200 Chebyshev-like points of the grid's variable (plus both ends).
// Throws std::invalid_argument for m < 1 or a geometric grid with lo <= 0.
SigmoidSum fit_on_grid(const Univariate& f, int m, const Rational& beta, FitGrid grid);

// Candidate widths for fit_on_grid (sharper sums need smaller weights): 1/8 .. 2.
std::vector<Rational> function_fit_betas();

// The fit among `betas` with the smallest estimated cost: grid_error on 16 m + 1001
// points plus `penalty` (e.g. the rounding bound at the target scalar); ties and
// infinite costs go to the smaller largest weight. An estimate to choose by, never a bound.
SigmoidSum best_fit_on_grid(const Univariate& f, int m, const std::vector<Rational>& betas, FitGrid grid,
                            const std::function<double(const SigmoidSum&)>& penalty = {}, const FitProgress& on_width = {});

}  // namespace loopcert::approx
