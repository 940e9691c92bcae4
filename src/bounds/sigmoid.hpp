// Bounds of the sigmoid lemma, as proved in proofs/sigmoid.md, each implemented once:
//   - Theorem 2: the a-priori staircase bound (staircase_bound),
//   - Theorem 3: the rounding bound of the block at a unit roundoff u (rounding_bound),
//   - the a-posteriori certificate of a fitted sum by interval arithmetic (certify).
// Every number returned is an upper bound computed with outward rounding (MPFI, or
// double with a safety factor for the tiny rounding terms). +infinity means the
// hypotheses fail (nothing is claimed).
#pragma once
#include <cmath>
#include <string>

#include "blocks/sigmoid.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::sigmoid {

// Upper bounds on f's constants over [lo, hi].
struct FunctionConstants {
  double lipschitz = 0;                 // L >= sup |f'|
  double second_derivative = INFINITY;  // M2 >= sup |f''| (infinity when f is not C^2: tables)
  double variation = 0;                 // V >= total variation of f
  double sup_abs = 0;                   // >= sup |f|
};
FunctionConstants function_constants(const Univariate& f);

// kappa(alpha) = max over |t| <= 1/2 of |t + 1/2 - sigma(alpha t)|   (Lemma 4)
// rho(alpha)   = r (1 + r^2) / (1 - r^2) with r = e^(-alpha/2)        (Lemma 5)
double staircase_kappa(const Rational& alpha);
double staircase_rho(const Rational& alpha);

// Theorem 2: for the staircase with m steps of width h = width/m, sharpness alpha/h and
// node values within node_error of f,
//   max |f - S| <= min(L h / 2, kappa L h + M2 h^2 / 8) + min(rho L h, V e^(-alpha/2)) + node_error.
double staircase_bound(int m, const Rational& width, const Rational& alpha, const FunctionConstants& f, double node_error);
double staircase_bound(const Univariate& f, int m, const Rational& alpha, double node_error = 0);

// The floating-point model of a scalar: unit roundoff u, underflow unit eta (half the
// smallest subnormal spacing; 0 for MPFR), largest finite value.
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
// `batch`: points per punchcard (BlockEvaluator); n = batch (A + F), A -> batch A.
RoundingInputs rounding_inputs(const SigmoidBlock& block, int batch = 1);
RoundingInputs rounding_inputs(const std::vector<Channel>& channels, const SigmoidColumns& columns, int batch = 1);
// The same magnitudes for a staircase of m steps per channel bounded a priori (from f's
// constants, without building it), for searches over m.
RoundingInputs staircase_rounding_inputs(const std::vector<Channel>& channels, int m, const Rational& alpha,
                                         const SigmoidColumns& columns = {});
// Theorem 2 per channel (a-priori node error) + Theorem 3 with those magnitudes.
double staircase_apriori_total(const std::vector<Channel>& channels, int m, const Rational& alpha, const RoundingModel& model,
                               double* approximation = nullptr);
// Theorem 3: |computed output - exact output| at any point in range, at unit roundoff u.
double rounding_bound(const RoundingInputs& in, const RoundingModel& model);
double rounding_bound(const SigmoidBlock& block, const RoundingModel& model, int batch = 1);

// A-posteriori certificate of max over [lo, hi] of |f - g| (exact weights), by a Taylor
// model of order `order` with Lagrange remainder on each cell, in MPFI at `precision`
// bits, and branch and bound: the cell with the largest enclosure is bisected until that
// enclosure is within relative_tolerance of the largest certified point error (or the
// cell budget runs out: converged = false, the bound still holds). Table functions are
// split at their knots. MPFI variables carry their own precision (mpfi_init2); no global
// MPFR/MPFI default is read or changed.
struct CertifyOptions {
  double relative_tolerance = 0.01;
  double absolute_tolerance = 1e-30;  // also stop when bound - lower <= this
  long precision = 128;
  int order = 6;
  long max_cells = 200000;
  // > 0: stop as soon as the question "max |f - g| <= target?" is settled (the bound is
  // at most target, or a certified point error exceeds it); the bound still holds.
  double target = 0;
};
struct Certificate {
  double bound = INFINITY;  // max |f - g| <= bound
  double lower = 0;         // max |f - g| >= lower (attained at a cell midpoint)
  long cells = 0;           // cells evaluated
  bool converged = false;
};
Certificate certify(const Univariate& f, const SigmoidSum& g, const CertifyOptions& options = {});

// The block's bound: sum over channels of |scale| * (Theorem 2 or the certificate), plus
// the column-compensation term sum |c_i| delta / 4, plus Theorem 3 at the scalar.
struct BlockBound {
  double approximation = INFINITY;
  double rounding = INFINITY;
  double total = INFINITY;
  bool certified = false;  // fitted: a posteriori; staircase: a priori (proved)
  bool converged = true;
  long cells = 0;
  double lower = 0;  // fitted: certified lower bound on the exact-arithmetic error
};
BlockBound block_bound(const SigmoidBlock& block, const RoundingModel& model, const CertifyOptions& options = {});

}  // namespace loopcert::sigmoid

namespace loopcert::bounds {
// The sigmoid bounds under the names of analysis/bounds.hpp's convention.
inline double sigmoid_staircase(const sigmoid::Univariate& f, int m, const Rational& alpha, double node_error = 0) {
  return sigmoid::staircase_bound(f, m, alpha, node_error);
}
inline double sigmoid_rounding(const sigmoid::SigmoidBlock& block, const sigmoid::RoundingModel& model) {
  return sigmoid::rounding_bound(block, model);
}
}  // namespace loopcert::bounds
