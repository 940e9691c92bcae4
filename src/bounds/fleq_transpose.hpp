// Bounds of the fleq_transpose lemma (blocks/fleq_transpose.hpp,
// proofs/fleq_transpose.md, properties/fleq_transpose.cpp): Theorems 1 and 2 of
// fleq_product.md with the score bound S = G (a one-hot query picks one entry).
#pragma once
#include "bounds/fleq_product.hpp"

namespace loopcert::bounds {

inline double fleq_transpose_score_bound(double G) { return G * kProductRoundUp; }

// p pairs, q key rows, n columns, entries of A bounded by G, scale C, unit roundoff u.
inline double fleq_transpose_exact(int p, double G, int n, double C) { return fleq_product_exact(p, fleq_transpose_score_bound(G), n, C); }
inline double fleq_transpose_rounding(int q, int p, double G, int n, double C, double u) {
  return fleq_product_rounding(q, p, fleq_transpose_score_bound(G), n, C, u);
}
inline double fleq_transpose_total(int q, int p, double G, int n, double C, double u) {
  return fleq_product_total(q, p, fleq_transpose_score_bound(G), n, C, u);
}
inline int fleq_transpose_best_scale(int q, int p, double G, int n, double u) {
  return fleq_product_best_scale(q, p, fleq_transpose_score_bound(G), n, u);
}

}  // namespace loopcert::bounds
