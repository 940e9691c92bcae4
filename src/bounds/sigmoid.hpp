// Bounds of the sigmoid lemma, as proved in proofs/sigmoid.md, each implemented once:
//   - Theorem 2: the a-priori staircase bound (staircase_bound),
//   - Theorem 3: the rounding bound of the block at a unit roundoff u (rounding_bound).
// Both take plain numbers (what the theorem needs of a function or a block): the
// magnitudes are read off a block or a target in analysis/sigmoid_bound_inputs.hpp, and
// the a-posteriori certificate of a fitted sum is cert/sigmoid_certificate.hpp. Every
// number returned is an upper bound computed with outward rounding (MPFI, or double with
// a safety factor for the tiny rounding terms). +infinity means the hypotheses fail
// (nothing is claimed).
#pragma once
#include <cmath>
#include <string>

#include "core/rational.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::bounds {

// kappa(alpha) = max over |t| <= 1/2 of |t + 1/2 - sigma(alpha t)|   (Lemma 4)
// rho(alpha)   = r (1 + r^2) / (1 - r^2) with r = e^(-alpha/2)        (Lemma 5)
double staircase_kappa(const Rational& alpha);
double staircase_rho(const Rational& alpha);

// What Theorem 2 needs: the staircase with m steps of width h = width/m, sharpness
// alpha/h and node values within node_error of f, and upper bounds on f's constants.
struct StaircaseInputs {
  int m = 1;
  Rational width = 1;
  Rational alpha = 6;
  double lipschitz = 0;                 // L >= sup |f'|
  double second_derivative = INFINITY;  // M2 >= sup |f''| (infinity when f is not C^2)
  double variation = 0;                 // V >= total variation of f
  double node_error = 0;
};
// Theorem 2:
//   max |f - S| <= min(L h / 2, kappa L h + M2 h^2 / 8) + min(rho L h, V e^(-alpha/2)) + node_error.
double staircase_bound(const StaircaseInputs& in);

// The floating-point model of a scalar (from core/scalar_facts.hpp): unit roundoff u,
// underflow unit eta (half the smallest subnormal spacing; 0 for MPFR), largest finite
// value (at most DBL_MAX: the model's own sums are doubles).
struct RoundingModel {
  std::string scalar;
  double u = 0;
  double eta = 0;
  double max_finite = INFINITY;
};
RoundingModel rounding_model(const ScalarSpec& scalar);

// What Theorem 3 needs of a block: magnitudes of its exact weights.
struct RoundingInputs {
  int heads = 0;
  int columns = 2;     // n = A + F
  int anchors = 1;     // A
  int max_inputs = 1;  // rows in a query's input combination
  double sum_c = 0;        // sum |c_i| (value weights, channel scale included)
  double sum_c_score = 0;  // sum |c_i| (|a_i| U + |b_i|)
  double c0 = 0;           // |FFN bias|
  double max_score = 0;    // max (|a_i| U + |b_i|)
  double max_weight = 0;   // max |a_i|, |b_i|, |c_i|, |c0|
};
// Theorem 3: |computed output - exact output| at any point in range, at unit roundoff u.
double rounding_bound(const RoundingInputs& in, const RoundingModel& model);

}  // namespace loopcert::bounds
