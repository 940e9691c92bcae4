// Bounds of the write lemma (blocks/write.hpp, proofs/write.md, properties/write.cpp).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// write: error of the written cell, for pointer / source / memory entries within delta,
// gate constant C. Other cells are unchanged exactly when write_gate_closes holds.
inline double write_hit_deviation(int n, int L, double lambda, double delta) {
  const double rho = std::exp(lambda * L * delta);
  const double gap = 2 - L * delta;
  if (gap <= 0) return kInfinity;
  return (rho - 1) / (2 * (1 + rho)) + softmax_leak(n - 2, lambda, gap);
}
inline bool write_gate_closes(int L, double lambda, double delta, double C) {
  const double gap = 2 - L * delta;
  if (gap <= 0) return false;
  const double kappa = std::exp(-lambda * gap);
  return C * (1 - 2 * kappa) >= (1 + delta) * (1 + 2 * kappa);
}
inline double write_output(int n, int L, double lambda, double delta, double C) {
  if (!write_gate_closes(L, lambda, delta, C)) return kInfinity;
  const double eta = write_hit_deviation(n, L, lambda, delta);
  return 2 * eta * (1 + C) + (1 + 2 * eta) * delta;
}

}  // namespace loopcert::bounds
