// The width selection shared by best_fit (uniform centres) and best_fit_on_grid (a
// geometric or uniform grid): fit at every candidate beta, keep the smallest estimated
// total error (grid_error on 16m + 1001 points plus the penalty), ties and infinities
// broken by the smallest largest weight.
#pragma once
#include <functional>
#include <vector>

#include "approx/sigmoid_sum.hpp"

namespace loopcert::approx::detail {

SigmoidSum best_width(const Univariate& f, int m, const std::vector<Rational>& betas,
                      const std::function<SigmoidSum(const Rational&)>& fit_at,
                      const std::function<double(const SigmoidSum&)>& penalty, const FitProgress& on_width);

}  // namespace loopcert::approx::detail
