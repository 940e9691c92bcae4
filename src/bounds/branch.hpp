// Bound of the branch lemma (blocks/branch.hpp, proofs/branch.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// branch: pointers within delta, flag within delta_flag -> pc within delta + 2 delta_flag
// (rounded up; +infinity unless it is < 1).
inline double branch_output(double delta, double delta_flag) {
  const double b = add_up(delta, mul_up(2, delta_flag));
  return b < 1 ? b : kInfinity;
}

}  // namespace loopcert::bounds
