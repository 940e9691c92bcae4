// Lemma `increment` (proofs/increment.md): next = pc + 1 (mod 2^L) on the work column,
// 0 elsewhere, by the one-layer threshold adder (6 ReLUs per bit, as in the reference
// code) on the unsigned bits u_q = (pc_q + ind)/2 with carry in = ind.
//
// Reads: source (L rows, +-1 on the work column, 0 elsewhere), indicator. Writes: target.
#pragma once
#include <string>

#include "blocks/detail/threshold_adder.hpp"

namespace loopcert::blocks {

struct IncrementPlan {
  std::string name = "increment";
  std::string source = "pc";
  std::string target = "next";
  std::string indicator = "is_work";
};

inline LayerSpec increment(const Layout& layout, const IncrementPlan& plan) {
  LayerSpec layer(plan.name, layout.rows());
  const RowBlock& src = layout.block(plan.source);
  const RowBlock& dst = layout.block(plan.target);
  if (src.size != dst.size) throw LayoutError("increment: source and target differ in size");
  const int ind = layout.row(plan.indicator);
  const int bits = src.size;
  std::vector<detail::Terms> low(bits);
  for (int p = 0; p < bits; ++p) {
    // T_p = ind + sum_{q<=p} 2^q (x_q + ind)/2 ; the indicator term first (exact cancellation order).
    Rational ind_weight = 1;
    for (int q = 0; q <= p; ++q) ind_weight += pow2(q - 1);
    low[p].push_back({ind, ind_weight});
    for (int q = 0; q <= p; ++q) low[p].push_back({src.row(bits - 1 - q), pow2(q - 1)});
  }
  detail::add_threshold_adder(layer.ffn, dst, low, detail::indicator_unit(layer.ffn, ind));
  layer.reads = {plan.source, plan.indicator};
  layer.writes = {plan.target};
  return layer;
}

}  // namespace loopcert::blocks
