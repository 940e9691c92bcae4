// Bounds of the fleq_int_snap lemma (blocks/fleq_int_snap.hpp, proofs/fleq_int_snap.md,
// properties/fleq_int_snap.cpp). The snap is exact or claims nothing.
#pragma once
#include <cmath>

#include "bounds/common.hpp"

namespace loopcert::bounds {

// M: above every |x - c| the gated-off units can see on other columns (|x| <= G there).
inline double fleq_int_snap_gate(double G, int K) { return std::ceil(G) + K + 2; }

// Exact arithmetic: 0 when the input is within 1/4 of an integer m with |m| <= K, else
// +infinity (the staircase is linear between the plateaus).
inline double fleq_int_snap_output(double distance_to_integer, double m, int K) {
  return distance_to_integer <= 0.25 && std::fabs(m) <= K ? 0 : kInfinity;
}

// Floating point with p significand bits (u = 2^-p): 0 when every pre-activation and
// partial sum is exact, i.e. K + M + 2 < 2^(p-3) (proofs, "Rounding"); else +infinity.
inline double fleq_int_snap_rounding(int K, double M, double u) {
  if (u == 0) return 0;
  return (K + M + 2) * u < 0x1p-3 ? 0 : kInfinity;
}

}  // namespace loopcert::bounds
