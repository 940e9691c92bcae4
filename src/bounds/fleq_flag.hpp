// Bounds of the fleq_flag lemma (blocks/fleq_flag.hpp, proofs/fleq_flag.md,
// properties/fleq_flag.cpp). The flag is exact or claims nothing.
#pragma once
#include <cmath>

#include "bounds/common.hpp"

namespace loopcert::bounds {

// M: above |x| + 1 on the columns the flag must leave at 0 (|x| <= G there).
inline double fleq_flag_gate(double G) { return std::ceil(G) + 1; }

// Exact arithmetic: |flag - [x <= 0]| = 0 for x within 1/4 of an integer, else +infinity.
inline double fleq_flag_output(double distance_to_integer) { return distance_to_integer <= 0.25 ? 0 : kInfinity; }

// Floating point (u = 2^-p): 0 when |x| and M + 1 are below 2^(p-3) (the pre-activations
// and partial sums are exact, proofs "Rounding"); else +infinity.
inline double fleq_flag_rounding(double max_abs_x, double M, double u) {
  if (u == 0) return 0;
  return (std::fabs(max_abs_x) + M + 1) * u < 0x1p-3 ? 0 : kInfinity;
}

}  // namespace loopcert::bounds
