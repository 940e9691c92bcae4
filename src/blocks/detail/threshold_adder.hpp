// The threshold adder of the reference code, in one ReLU layer: bit p (from the least
// significant) of an integer sum S is
//   [T_p >= 2^p] - [T_p >= 2^(p+1)] + [T_p >= 3*2^p],   T_p = S mod-free low part,
// where T_p is the sum of the low p+1 bit positions of the summands plus the carry in,
// and each unit step on integers is [T >= t] = relu(T - t + 1) - relu(T - t).
// Used by `increment` (pc + 1) and `subtract` (b + not a + 1). See proofs/subtract.md.
#pragma once
#include <vector>

#include "blocks/detail/ffn_helpers.hpp"

namespace loopcert::blocks::detail {

// low_terms[p]: the linear form (rows and weights) of T_p, already including the carry
// in; it must be an integer in [0, 4*2^p) on the work column and exactly 0 elsewhere.
// out: the output block (MSB first), written as 2*bit - indicator, so it is +-1 on the
// work column and 0 elsewhere. ind_unit: a unit holding relu(indicator).
inline void add_threshold_adder(FfnSpec& ffn, const RowBlock& out, const std::vector<Terms>& low_terms, int ind_unit) {
  const int bits = out.size;
  for (int p = 0; p < bits; ++p) {
    const int row = out.row(bits - 1 - p);  // MSB first
    const Rational base = pow2(p);
    const Rational thresholds[3] = {base, 2 * base, 3 * base};
    const int signs[3] = {+1, -1, +1};
    for (int k = 0; k < 3; ++k) {
      // step = relu(T - t + 1) - relu(T - t); bit contributes 2 * step.
      const int upper = ffn.add_unit(1 - thresholds[k], low_terms[p]);
      const int lower = ffn.add_unit(-thresholds[k], low_terms[p]);
      ffn.add_output(row, upper, 2 * signs[k]);
      ffn.add_output(row, lower, -2 * signs[k]);
    }
    ffn.add_output(row, ind_unit, -1);
  }
}

}  // namespace loopcert::blocks::detail
