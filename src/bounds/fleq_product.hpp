// Bounds of the fleq_product lemma (blocks/fleq_product.hpp, proofs/fleq_product.md,
// properties/fleq_product.cpp). Every function returns a number never below the exact
// bound: cancelling differences (sinh X - X) use a one-sided series bound, and every
// result is multiplied by kRoundUp to absorb the few roundings of its own evaluation.
#pragma once
#include <cmath>

#include "bounds/common.hpp"

namespace loopcert::bounds {

// 1 + 2^-40: far above the relative error of the ~30 double operations below.
inline constexpr double kProductRoundUp = 1 + 0x1p-40;

// S: the largest |a_i . b_j| when the shared dimension is q and the entries of A and B
// are bounded by G_A and G_B (the declared `.bound`, never the data).
inline double fleq_product_score_bound(int q, double G_A, double G_B) { return q * G_A * G_B * kProductRoundUp; }

// An upper bound on sinh(X) - X for X >= 0 without cancellation: the series
// X^3/6 (1 + X^2/20 + ...) has term ratios below X^2/20, hence <= X^3/6 / (1 - X^2/20).
inline double sinh_minus_identity_upper(double X) {
  if (X < 1) return X * X * X / 6 / (1 - X * X / 20) * kProductRoundUp;
  return (std::sinh(X) - X) * kProductRoundUp;
}

// Exact-arithmetic error of one output entry (proofs/fleq_product.md, Theorem 1): p column
// pairs, score bound S, n attended columns, scale C:
//   C max(sinh X - X, (2p/n)(cosh X - 1) sinh X),   X = S / C.
inline double fleq_product_exact(int p, double S, int n, double C) {
  if (n < 2 * p || C <= 0) return kInfinity;
  const double X = S / C;
  // Below 2^-300 both terms are below X^3 < 2^-900 (no underflow in what follows).
  if (X < 0x1p-300) return C * 0x1p-900;
  const double cosh_minus_one = 2 * std::sinh(X / 2) * std::sinh(X / 2);  // no cancellation
  const double denominator_term = 2.0 * p / n * cosh_minus_one * std::sinh(X);
  return C * std::fmax(sinh_minus_identity_upper(X), denominator_term) * kProductRoundUp;
}

// Floating-point part at unit roundoff u (proofs/fleq_product.md, Theorem 2), for q key
// rows, n columns:
//   R = C sinh(X) r3 + C cosh(X) (1 + r3) (r2 + gamma_2 (1 + r2)),
//   r1 = (1 + 2u) e^Xi - 1, Xi = 2 X gamma_(q+5),  r2 = (1 + r1)(1 + u) - 1,
//   r3 = 1 / ((1 - r1)(1 - gamma_(n-1))) - 1.
// Its leading term is 5 u C: the output a.b is the difference of two terms of size C/2.
inline double fleq_product_rounding(int q, int p, double S, int n, double C, double u) {
  if (u == 0) return 0;
  if (n < 2 * p || C <= 0) return kInfinity;
  const double X = S / C;
  const double xi = 2 * X * gamma(q + 5, u);
  const double r1 = (1 + 2 * u) * std::expm1(xi) + 2 * u;
  const double r2 = r1 + u + r1 * u;
  const double g = gamma(n - 1, u);
  if (r1 >= 1 || g >= 1) return kInfinity;
  const double r3 = (r1 + g - r1 * g) / ((1 - r1) * (1 - g));
  const double R = C * std::sinh(X) * r3 + C * std::cosh(X) * (1 + r3) * (r2 + gamma(2, u) * (1 + r2));
  return R * kProductRoundUp;
}

inline double fleq_product_total(int q, int p, double S, int n, double C, double u) {
  return (fleq_product_exact(p, S, n, C) + fleq_product_rounding(q, p, S, n, C, u)) * kProductRoundUp;
}

// The power of two C = 2^c minimising fleq_product_total for the declared S (from G and
// k, never the data). Near S (2 c_0 / (5u))^(1/3), c_0 = max(1/6, p/n) (proofs, "Best C").
// u = 0 (exact arithmetic) has no optimum: the caller must choose C from its tolerance.
inline int fleq_product_best_scale(int q, int p, double S, int n, double u) {
  const int lo = static_cast<int>(std::floor(std::log2(S)));
  int best = lo;
  double best_total = kInfinity;
  for (int c = lo; c <= lo + 300; ++c) {
    const double t = fleq_product_total(q, p, S, n, std::ldexp(1.0, c), u);
    if (t < best_total) best_total = t, best = c;
  }
  return best;
}

}  // namespace loopcert::bounds
