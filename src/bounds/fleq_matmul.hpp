// Bounds of the fleq_matmul lemma (blocks/fleq_matmul.hpp, proofs/fleq_matmul.md,
// properties/fleq_matmul.cpp). Evaluated as bounds/fleq_product.hpp (rounded up).
#pragma once
#include <cmath>

#include "bounds/fleq_product.hpp"

namespace loopcert::bounds {

// Exact arithmetic (Theorem 1 of fleq_matmul.md): q pairs, entries of A within G_A,
// of B within G_B:  q G_A C max(sinh X - X, (2q/n)(cosh X - 1) sinh X),  X = G_B / C.
inline double fleq_matmul_exact(int q, double G_A, double G_B, int n, double C) {
  return q * G_A * fleq_product_exact(q, G_B, n, C) * kProductRoundUp;
}

// Floating point (Theorem 2): q G_A [C sinh(X) r3 + C cosh(X)(1 + r3)(r2 + gamma_2q (1 + r2))]
// with r1, r3 as in fleq_product_rounding (Xi = 2 X gamma_(q+5)) and r2 = (1 + r1)(1 + u)^2 - 1
// (the value product adds one rounding). Leading term (5 + 2q) u q G_A C.
inline double fleq_matmul_rounding(int q, double G_A, double G_B, int n, double C, double u) {
  if (u == 0) return 0;
  if (n < 2 * q || C <= 0) return kInfinity;
  const double X = G_B / C;
  const double r1 = (1 + 2 * u) * std::expm1(2 * X * gamma(q + 5, u)) + 2 * u;
  const double r2 = (1 + r1) * (1 + u) * (1 + u) - 1;
  const double g = gamma(n - 1, u);
  if (r1 >= 1 || g >= 1) return kInfinity;
  const double r3 = (r1 + g - r1 * g) / ((1 - r1) * (1 - g));
  const double R = C * std::sinh(X) * r3 + C * std::cosh(X) * (1 + r3) * (r2 + gamma(2 * q, u) * (1 + r2));
  return q * G_A * R * kProductRoundUp;
}

inline double fleq_matmul_total(int q, double G_A, double G_B, int n, double C, double u) {
  return (fleq_matmul_exact(q, G_A, G_B, n, C) + fleq_matmul_rounding(q, G_A, G_B, n, C, u)) * kProductRoundUp;
}

// The power of two C minimising the total, from the declared bounds and u only.
inline int fleq_matmul_best_scale(int q, double G_A, double G_B, int n, double u) {
  const int lo = static_cast<int>(std::floor(std::log2(G_B)));
  int best = lo;
  double best_total = kInfinity;
  for (int c = lo; c <= lo + 300; ++c) {
    const double t = fleq_matmul_total(q, G_A, G_B, n, std::ldexp(1.0, c), u);
    if (t < best_total) best_total = t, best = c;
  }
  return best;
}

}  // namespace loopcert::bounds
