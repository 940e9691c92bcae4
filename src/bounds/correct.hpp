// Bound of the correct lemma (blocks/correct.hpp, proofs/correct.md).
#pragma once
#include "bounds/common.hpp"
#include "bounds/ffn_sums.hpp"

namespace loopcert::bounds {

// correct: entries within e of -1, 0 or 1 come out exact.
inline double correct_output(double delta, double e) { return delta <= e ? 0 : kInfinity; }

// correct's rounding (proofs/correct.md, "Rounding"): entries of `rows` within delta of -1, 0
// or 1, at any column, come out within this of the exact staircase (its own partial sums,
// ffn_sums_rounding on the box [-1 - delta, 1 + delta]). One bound per row, rounded up.
inline std::vector<double> correct_rounding_rows(const LayerSpec& layer, const std::vector<int>& rows, double delta, double u) {
  InputBox box;
  const double top = add_up(1, delta);
  for (int r : rows) box.set(r, -top, top);
  return ffn_sums_rounding(layer, rows, box, u);
}
inline double correct_rounding(const LayerSpec& layer, const std::vector<int>& rows, double delta, double u) {
  return max_of(correct_rounding_rows(layer, rows, delta, u));
}

}  // namespace loopcert::bounds
