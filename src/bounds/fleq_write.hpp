// Bounds of the fleq_write lemma (blocks/fleq_write.hpp, proofs/fleq_write.md,
// properties/fleq_write.cpp).
#pragma once
#include <algorithm>
#include <cmath>

#include "bounds/common.hpp"
#include "bounds/rounding.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

inline double fleq_write_gate(double G) { return 3 * G; }

// Every column other than the addressed ones is left exactly alone when
// C_w (1 - 2 l1) >= G (1 + 2 l1), l1 = leak(n - 1, lambda, 2) (the hit there).
inline bool fleq_write_gate_closes(int n, double lambda, double G, double C) {
  const double l1 = softmax_leak(n - 1, lambda, 2) * (1 + 0x1p-40);
  return C * (1 - 2 * l1) >= G * (1 + 2 * l1) * (1 + 0x1p-40);
}

// Exact arithmetic: |written - result| <= (C_w + 3G) leak(n - 2, lambda, 2) on the
// addressed columns (+infinity when the gate does not close).
inline double fleq_write_output(int n, double lambda, double G, double C) {
  if (!fleq_write_gate_closes(n, lambda, G, C)) return kInfinity;
  return (C + 3 * G) * softmax_leak(n - 2, lambda, 2) * (1 + 0x1p-40);
}

// The temperature in eighths: at or above (1/2) ln(6 n G / eps), with the bound <= eps.
inline int fleq_write_temperature_eighths(int n, double G, double eps) {
  int eighths = std::max(1, static_cast<int>(std::ceil(4 * std::log(6 * n * G / eps) * (1 + 0x1p-40))));
  while (fleq_write_output(n, eighths / 8.0, G, fleq_write_gate(G)) > eps) ++eighths;
  return eighths;
}

// Floating-point part on the addressed columns: the buffer (values <= G) and the hit
// (values <= 1) carry the attention rounding of read.md (case A); the gate passes
// |d hit| with weight 2 C_w and |d buf| with weight 4; plus the FFN's own roundings.
inline double fleq_write_rounding(const LayerSpec& layer, int n, int L, double lambda, double G, double C, double u) {
  if (u == 0) return 0;
  const double ra = rounding_attention(n, L, lambda, u, 0);
  return ((2 * C + 4 * G) * ra + ffn_rounding(layer, u, std::max(G, 1.0))) * (1 + 0x1p-40);
}

}  // namespace loopcert::bounds
