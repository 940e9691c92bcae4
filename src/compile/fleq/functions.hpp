// The sums of sigmoids of FLEQ's elementwise functions (blocks/fleq_function.hpp): one
// per function the program uses, on its declared `.range`, chosen from the function, the
// range, the number of terms, the punchcard's n and the target scalar's unit roundoff
// (the fitted width trades the fit's error against the rounding of larger weights,
// bounds/sigmoid.hpp Theorem 3) - never from the data.
//   sigmoid: exact, one term sigma(x) on any range.
//   exp: fitted on a uniform grid; recip, sqrt, rsqrt: on a geometric grid
//   (approx/function_fit.hpp), recip on a negative range as -1/(-x).
#pragma once
#include <string>

#include "blocks/fleq_function.hpp"
#include "bounds/fleq_function.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::compile::fleq {

// The default number of terms: 1 for sigmoid (exact), 32 for the fitted functions.
int default_function_terms(isa::fleq::Function f);

// The approx function of f on the range (FunctionKind and [lo, hi]).
approx::Univariate function_target(isa::fleq::Function f, const isa::fleq::Range& range);

// Throws std::invalid_argument with a reason when no sum is built: sqrt or rsqrt on a
// range reaching 0, recip on a range containing 0, terms < 1.
// terms = 0: default_function_terms(f); sigmoid always has one term.
blocks::FunctionFit fleq_function_fit(isa::fleq::Function f, const isa::fleq::Range& range, int terms, int columns, double unit_roundoff);

// The widened range [lo - w, hi + w] (bounds::fleq_function_margin) the fit's error is
// certified on (cert::certify(widened_target(fit), fit.sum)), and w.
approx::Univariate widened_target(const blocks::FunctionFit& fit);
double function_margin(const blocks::FunctionFit& fit);

// bounds::FleqFunctionInputs of one output entry of fit's block on a punchcard of n
// columns, for a read within input_error of the stored operand and the certified error
// E_w of the sum on widened_target(fit).
bounds::FleqFunctionInputs fleq_function_bound_inputs(const blocks::FunctionFit& fit, int columns, double input_error, double certified_approximation);

}  // namespace loopcert::compile::fleq
