// The floating-point parts shared by every lemma: one attention output entry and one
// ReLU sublayer (proofs/README.md and proofs/read.md, "Rounding"), and the unit roundoff
// of a scalar type.
#pragma once
#include "bounds/common.hpp"
#include "core/scalar_name.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

// Floating-point part of one attention output entry (a copied bit, or the write's hit
// and buffer), unit roundoff u, values of magnitude <= 1 + delta (proofs/read.md,
// "Rounding", case B): the computed exponents are off by at most
// Xi = lambda L (1 + delta) gamma_(L+2), a relative error e^Xi - 1 in each weight, and
// the weights' own roundings (exp counted twice: it is only faithful) and the sum of n
// terms add gamma_(n+3) and gamma_n:
//   |fl(D) - D| <= (1 + delta) [(1 + gamma_n)(1 + gamma_(n+3)) e^(2 Xi) - 1].
inline double rounding_attention(int n, int L, double lambda, double u, double delta) {
  if (u == 0) return 0;
  const double xi = lambda * L * (1 + delta) * gamma(L + 2, u);
  return (1 + delta) * ((1 + gamma(n, u)) * (1 + gamma(n + 3, u)) * std::exp(2 * xi) - 1);
}

// Floating-point part of a ReLU sublayer, derived from its own weights (proofs/README.md,
// "Rounding"): with inputs of magnitude <= M, hidden unit k computes b1 + sum of J_k
// products, so |fl(h_k) - h_k| <= gamma_(J_k + 2) H_k with H_k = |b1_k| + sum |w1| M;
// output row r adds K_r products to x (and b2), so its error is at most
// gamma_(K_r + 3) (M + |b2_r| + sum |w2| H) + sum |w2| gamma_(J + 2) H. The maximum over rows.
double ffn_rounding(const LayerSpec& layer, double u, double M);

// Unit roundoff of a scalar type: 2^-p for p significand bits; 0 for exact.
double unit_roundoff(const ScalarSpec& scalar);

}  // namespace loopcert::bounds
