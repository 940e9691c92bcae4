// Lemma `flag` (proofs/flag.md): for an N-bit +-1 integer x (MSB first),
//   flag = relu(x_msb) + relu(1 - N - sum_i x_i)
// is 1 exactly when x <= 0 (negative, or all bits -1 = zero) and 0 otherwise. On
// columns where x is 0 the flag is relu(0) + relu(1 - N) = 0.
//
// Reads: source (N rows). Writes: target (1 row, zero before).
#pragma once
#include <string>

#include "blocks/detail/ffn_helpers.hpp"

namespace loopcert::blocks {

struct FlagPlan {
  std::string name = "flag";
  std::string source = "diff";
  std::string target = "flag";
};

inline LayerSpec flag(const Layout& layout, const FlagPlan& plan) {
  LayerSpec layer(plan.name, layout.rows());
  const RowBlock& x = layout.block(plan.source);
  const int out = layout.row(plan.target);
  layer.ffn.add_output(out, layer.ffn.add_unit(0, {{x.row(0), 1}}), 1);
  detail::Terms all;
  for (int i = 0; i < x.size; ++i) all.push_back({x.row(i), -1});
  layer.ffn.add_output(out, layer.ffn.add_unit(1 - x.size, all), 1);
  layer.reads = {plan.source};
  layer.writes = {plan.target};
  return layer;
}

}  // namespace loopcert::blocks
