// Bound of the increment lemma (blocks/increment.hpp, proofs/increment.md).
#pragma once
#include "bounds/common.hpp"
#include "bounds/ffn_sums.hpp"

namespace loopcert::bounds {

// increment: pc bits within delta -> next bits within 2^L delta (a scaling by a power of
// two: exact in double unless it overflows, which gives +infinity).
inline double increment_output(int L, double delta) {
  return std::ldexp(delta, L - 1) < 1 ? std::ldexp(delta, L) : kInfinity;
}

// increment's rounding (proofs/increment.md, "Rounding"): on the work column (is_work = 1), pc
// bits (rows `pointer`) within delta of +-1 and the target rows 0 before the layer: each target
// row within this of the exact adder on the same inputs (ffn_sums_rounding). Rounded up.
inline double increment_rounding(const LayerSpec& layer, const std::vector<int>& targets, const std::vector<int>& pointer, int indicator,
                                 double delta, double u) {
  InputBox box;
  const double top = add_up(1, delta);
  for (int r : pointer) box.set(r, -top, top);
  for (int r : targets) box.set_point(r, 0);
  box.set_point(indicator, 1);
  return max_of(ffn_sums_rounding(layer, targets, box, u));
}

}  // namespace loopcert::bounds
