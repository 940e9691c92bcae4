// The sigmoid bounds (bounds/sigmoid.hpp) applied to a block or a target: the numbers
// Theorems 2 and 3 need, read off the block's exact weights (rounding_inputs) or, for a
// staircase not yet built, bounded a priori from f's constants (searches over m).
#pragma once
#include <vector>

#include "approx/channel.hpp"
#include "approx/function.hpp"
#include "blocks/sigmoid.hpp"
#include "bounds/sigmoid.hpp"

namespace loopcert::analysis {

// Theorem 2 for the staircase of f with m steps of sharpness alpha / h.
double staircase_bound(const approx::Univariate& f, int m, const Rational& alpha, double node_error = 0);

// `batch`: points per punchcard (BlockEvaluator); n = batch (A + F), A -> batch A.
bounds::RoundingInputs rounding_inputs(const blocks::SigmoidBlock& block, int batch = 1);
bounds::RoundingInputs rounding_inputs(const std::vector<approx::Channel>& channels, const blocks::SigmoidColumns& columns,
                                       int batch = 1);
// The same magnitudes for a staircase of m steps per channel bounded a priori (from f's
// constants, without building it), for searches over m.
bounds::RoundingInputs staircase_rounding_inputs(const std::vector<approx::Channel>& channels, int m, const Rational& alpha,
                                                 const blocks::SigmoidColumns& columns = {});
// Theorem 2 per channel (a-priori node error) + Theorem 3 with those magnitudes.
double staircase_apriori_total(const std::vector<approx::Channel>& channels, int m, const Rational& alpha,
                               const bounds::RoundingModel& model, double* approximation = nullptr);
// Theorem 3 for the block at `model`.
double rounding_bound(const blocks::SigmoidBlock& block, const bounds::RoundingModel& model, int batch = 1);

}  // namespace loopcert::analysis
