// Lemma `subtract` (proofs/subtract.md): diff = b - a (mod 2^N, two's complement) as
// b + (not a) + 1 with the one-layer threshold adder, on the work column; 0 elsewhere.
// Unsigned bits: (b_q + ind)/2 and (ind - a_q)/2 (= not a), carry in = ind.
// The adder's weights grow like 2^q: an input error d becomes about 2^N d in T, which
// is why `read` snaps the operands before this block (proofs/subtract.md).
//
// Reads: minuend, subtrahend (N rows each), indicator. Writes: target (N rows).
#pragma once
#include <string>

#include "blocks/detail/threshold_adder.hpp"

namespace loopcert::blocks {

struct SubtractPlan {
  std::string name = "subtract";
  std::string minuend = "val_b";
  std::string subtrahend = "val_a";
  std::string target = "diff";
  std::string indicator = "is_work";
};

inline LayerSpec subtract(const Layout& layout, const SubtractPlan& plan) {
  LayerSpec layer(plan.name, layout.rows());
  const RowBlock& b = layout.block(plan.minuend);
  const RowBlock& a = layout.block(plan.subtrahend);
  const RowBlock& out = layout.block(plan.target);
  if (a.size != b.size || out.size != a.size) throw LayoutError("subtract: operand sizes differ");
  const int ind = layout.row(plan.indicator);
  const int bits = a.size;
  std::vector<detail::Terms> low(bits);
  for (int p = 0; p < bits; ++p) {
    // T_p = ind + sum_{q<=p} 2^q ((b_q + ind)/2 + (ind - a_q)/2) = ind (1 + sum 2^q) + sum 2^(q-1) (b_q - a_q)
    Rational ind_weight = 1;
    for (int q = 0; q <= p; ++q) ind_weight += pow2(q);
    low[p].push_back({ind, ind_weight});
    for (int q = 0; q <= p; ++q) {
      low[p].push_back({b.row(bits - 1 - q), pow2(q - 1)});
      low[p].push_back({a.row(bits - 1 - q), -pow2(q - 1)});
    }
  }
  detail::add_threshold_adder(layer.ffn, out, low, detail::indicator_unit(layer.ffn, ind));
  layer.reads = {plan.minuend, plan.subtrahend, plan.indicator};
  layer.writes = {plan.target};
  return layer;
}

}  // namespace loopcert::blocks
