// The floating-point parts shared by every lemma: one attention output entry and one
// ReLU sublayer (proofs/README.md and proofs/read.md, "Rounding"), the exp model of each
// scalar, and the unit roundoff of a scalar type.
#pragma once
#include <vector>

#include "bounds/common.hpp"
#include "core/scalar_name.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

// How far the engine's exp may be from e^x (proofs/read.md, "The exp model"):
//   |exp_computed(x) - e^x| <= units * u * e^x + 2^absolute_log2   (if has_absolute).
// units counts u's (1 ulp = 2u): a correctly rounded exp has 1, glibc's and libquadmath's
// (< 1 ulp) 2, Eigen's vectorised float exp 4 (1.99 ulp, exhaustive), Eigen's vectorised
// double exp 6 (3 ulp; measured up to 2.38 ulp, bench/exp_ulp.cpp). The absolute part
// covers underflow and Eigen's tiny constants where 0 is due (5.6e-309, 2.9e-39).
struct ExpModel {
  double units = 1;
  bool has_absolute = false;
  long absolute_log2 = 0;
};
// The engine's exp at this scalar (tf/transformer_impl.hpp: Eigen for rows of >= 8
// scores at float/double, the scalar exp otherwise; mpfr_exp; expl; expq; double exp
// rounded once for the emulated formats).
ExpModel exp_model(const ScalarSpec& scalar);
// The model that covers every scalar of unit roundoff u except fp16, tf32 and the fp8
// formats (whose underflow threshold is above 2^-126: use exp_model(scalar) for them).
ExpModel exp_model_for_unit_roundoff(double u);

// Floating-point part of one attention output entry (a copied bit, or the write's hit
// and buffer), unit roundoff u, values of magnitude <= 1 + delta (proofs/read.md,
// "Rounding", case B): the computed exponents are off by at most
// Xi = lambda L (1 + delta) gamma_(L+2), a relative error e^Xi - 1 in each weight; an exp
// within c u enters the numerator and every term of the denominator (gamma_(n + 2c) with
// the sum and the division), and the weighted sum of n terms adds gamma_n:
//   |fl(D) - D| <= (1 + delta) [(1 + gamma_n)(1 + gamma_(n+2c)) e^(2 Xi) - 1 + 8 n eta].
// Rounded up (evaluated on intervals in expm1/log1p form: no cancellation at any u).
double rounding_attention(int n, int L, double lambda, double u, double delta, const ExpModel& exp);
// The same with exp_model_for_unit_roundoff(u).
double rounding_attention(int n, int L, double lambda, double u, double delta);

// Floating-point part of a ReLU sublayer, derived from its own weights (proofs/README.md,
// "Rounding"): with inputs of magnitude <= M, hidden unit k computes b1 + sum of J_k
// products, so |fl(h_k) - h_k| <= gamma_(J_k + 2) H_k with H_k = |b1_k| + sum |w1| M;
// output row r adds K_r products to x (and b2), so its error is at most
// gamma_(K_r + 3) (M + |b2_r| + sum |w2| H) + (1 + gamma_(K_r + 3)) sum |w2| gamma_(J + 2) H.
// The maximum over rows, rounded up.
double ffn_rounding(const LayerSpec& layer, double u, double M);
// The maximum over the listed output rows only (0 for rows the sublayer does not write).
double ffn_rounding(const LayerSpec& layer, double u, double M, const std::vector<int>& rows);
// The sum of the same row bounds over every output row, rounded up: at least the sum of
// the errors of any set of rows (the flag sums the diff bits' errors: precision.md).
double ffn_rounding_total(const LayerSpec& layer, double u, double M);

// |q| rounded up to a double (weights are dyadic and usually exact; never below).
double abs_up(const Rational& q);

// Unit roundoff of a scalar type: 2^-p for p significand bits (2^-1074 when that
// underflows: larger, so still an upper bound); 0 for exact.
double unit_roundoff(const ScalarSpec& scalar);

}  // namespace loopcert::bounds
