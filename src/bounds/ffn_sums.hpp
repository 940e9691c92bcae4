// Rounding of a ReLU sublayer's rows counted on the block's own partial sums (proofs/README.md,
// "Rounding on the block's own partial sums"): the lemma-specific counterpart of ffn_rounding.
//
// Why: ffn_rounding charges every rounding of a row gamma_k times the largest magnitude any
// term of the row can have (|b1| + M sum |w1| per unit, the sum of |w2| H over the row): for
// the snap about 750 u where its partial sums are a few units, for the adder 11 2^p where its
// partial sums are 3 2^p. Here each addition, in the engine's order (tf/feed_forward.hpp:
// b1, then W1's entries in insertion order; the residual, then W2's entries, then b2), is
// charged u times a bound on the value it rounds, computed exactly (in rationals) over a box
// of inputs that the caller proves: the block's real input range at one column, indicator
// rows as points. Used by snap_rounding (read.hpp), correct_rounding (correct.hpp),
// subtract_rounding_rows (subtract.hpp) and increment_rounding (increment.hpp).
#pragma once
#include <map>
#include <utility>
#include <vector>

#include "bounds/common.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

// The inputs of one column: each listed row lies in [lo, hi] (an exact entry when lo == hi),
// every other row in [-M, M].
struct InputBox {
  double M = 2;
  std::map<int, std::pair<double, double>> rows;
  void set(int row, double lo, double hi) { rows[row] = {lo, hi}; }
  void set_point(int row, double value) { rows[row] = {value, value}; }
};

// For each of `rows` (output rows of the layer's ReLU sublayer): a bound, rounded up, on
// |computed row - exact row| at a column whose input lies in the box, the computation in
// binary floating point with unit roundoff u (every + and * within u of its exact value,
// exact when the exact value is representable; weights exact: the range hypothesis (W)).
// 0 for u = 0.
std::vector<double> ffn_sums_rounding(const LayerSpec& layer, const std::vector<int>& rows, const InputBox& box, double u);

// The largest and the sum (rounded up) of a list of row bounds.
double max_of(const std::vector<double>& bounds);
double sum_up(const std::vector<double>& bounds);

}  // namespace loopcert::bounds
