// Bound of the subtract lemma (blocks/subtract.hpp, proofs/subtract.md).
#pragma once
#include "bounds/common.hpp"
#include "bounds/ffn_sums.hpp"

namespace loopcert::bounds {

// subtract: operand bits within delta -> result bits within 2^(N+1) delta: the N term
// the paper's read bound lacks (a scaling by a power of two: exact in double).
inline double subtract_output(int N, double delta) {
  return std::ldexp(delta, N) < 1 ? std::ldexp(delta, N + 1) : kInfinity;
}

// The sum over the N result bits of their own bounds (proofs/subtract.md, "Per bit"): bit p
// moves by at most 2 |tau_p| <= 2 (2^(p+1) - 1) delta, so the N bits together by at most
// 2 (2^(N+1) - 2 - N) delta < 2^(N+2) delta (what flag_output_sum takes; the largest one
// bit moves is subtract_output). Rounded up (exact below N = 50, else 2^(N+2) delta).
inline double subtract_output_sum(int N, double delta) {
  if (!(std::ldexp(delta, N) < 1)) return kInfinity;
  const double coefficient = N <= 50 ? std::ldexp(1.0, N + 2) - 4 - 2 * N : std::ldexp(1.0, N + 2);
  return mul_up(coefficient, delta);
}

// subtract's rounding (proofs/subtract.md, "Rounding"): on the work column (is_work = 1), with
// every operand bit (rows `operands`: minuend and subtrahend) within delta of +-1 and the target
// rows 0 before the layer, each target row comes out within this of the exact adder on the same
// inputs (ffn_sums_rounding: the units' partial sums T_p - t and the output's). Off the work
// column the block is exact (0). One bound per target row, rounded up.
inline std::vector<double> subtract_rounding_rows(const LayerSpec& layer, const std::vector<int>& targets, const std::vector<int>& operands,
                                                  int indicator, double delta, double u) {
  InputBox box;
  const double top = add_up(1, delta);
  for (int r : operands) box.set(r, -top, top);
  for (int r : targets) box.set_point(r, 0);
  box.set_point(indicator, 1);
  return ffn_sums_rounding(layer, targets, box, u);
}

}  // namespace loopcert::bounds
