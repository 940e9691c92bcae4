// Bound of the branch lemma (blocks/branch.hpp, proofs/branch.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// branch: pointers within delta, flag within delta_flag -> pc within delta + 2 delta_flag.
inline double branch_output(double delta, double delta_flag) {
  return delta + 2 * delta_flag < 1 ? delta + 2 * delta_flag : kInfinity;
}

}  // namespace loopcert::bounds
