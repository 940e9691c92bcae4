// Bounds of the fleq_function lemma (blocks/fleq_function.hpp, proofs/fleq_function.md,
// properties/fleq_function.cpp): one output entry of an elementwise function's block.
//
// With x* the stored operand (in the declared range [lo, hi]) and x the value the block
// reads, |x - x*| <= delta <= w, the gated result is g(x) = c0 + sum_j c_j sigma(a_j x + b_j)
// in exact arithmetic (Theorem 1 of proofs/sigmoid.md with A = F = n/2: no leak), so
//   |res - f(x*)| <= E_w + L_f delta + (sum_j |c_j|) Delta / 4 + R,
// E_w the certified max |g - f| on the widened range [lo - w, hi + w]
// (cert/sigmoid_certificate.hpp), L_f >= sup |f'| there (approx/function_constants.hpp),
// Delta the deviation of a compensation bias (0 with balanced anchors) and R Theorem 3 of
// the sigmoid lemma at the scalar (bounds/sigmoid.hpp: the same arithmetic, the constant
// c0 added once after the heads). The gated pass itself is exact (blocks/fleq_function.hpp).
// Every number is taken as given (upper bounds); the sum is rounded up.
#pragma once
#include <cmath>

#include "bounds/sigmoid.hpp"

namespace loopcert::bounds {

struct FleqFunctionInputs {
  double approximation = INFINITY;  // E_w >= max |g - f| on [lo - w, hi + w]
  double margin = 0;                // w
  double lipschitz = INFINITY;      // L_f >= sup |f'| on [lo - w, hi + w]
  double input_error = 0;           // delta >= |x - x*|; must be <= w
  double compensation = 0;          // Delta (0: balanced anchors)
  RoundingInputs rounding;          // Theorem 3's magnitudes (heads = terms per row, columns = n, anchors = n/2)
};

// The margin FLEQ certifies its fits on: 2^-20 (hi - lo), at most lo / 2 for a function
// that needs lo > 0 (so the widened range stays positive).
inline double fleq_function_margin(double lo, double hi, bool needs_positive) {
  const double w = std::ldexp(hi - lo, -20);
  return needs_positive ? std::min(w, lo / 2) : w;
}

// E_w + L_f delta + sum|c| Delta / 4 (exact arithmetic); infinity when delta > w.
double fleq_function_exact(const FleqFunctionInputs& in);
// The above plus Theorem 3 at the model's unit roundoff.
double fleq_function_total(const FleqFunctionInputs& in, const RoundingModel& model);

}  // namespace loopcert::bounds
