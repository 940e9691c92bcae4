// Lemma `correct` (proofs/correct.md): one ReLU layer maps [-1-e, -1+e] to -1,
// [-e, e] to 0 and [1-e, 1+e] to 1 (a staircase of slope 1/(1-2e) in between):
//   f(x) = -1 + s (relu(x+1-e) - relu(x+e) + relu(x-e) - relu(x-1+e)),   s = 1/(1-2e)
// applied in residual form (x += f(x) - x). e is a fixed parameter of the weights; it is
// never computed from the data (unlike the reference code).
//
// Reads and writes: the given blocks.
#pragma once
#include <string>
#include <vector>

#include "blocks/detail/ffn_helpers.hpp"
#include "blocks/shared/params.hpp"

namespace loopcert::blocks {

struct CorrectPlan {
  std::string name = "correct";
  std::vector<std::string> rows;  // blocks whose entries lie near -1, 0 or 1
};

inline LayerSpec correct(const Layout& layout, const CorrectPlan& plan, const BlockParams& params) {
  LayerSpec layer(plan.name, layout.rows());
  const Rational& e = params.threshold;
  if (!(e > 0 && e < Rational(1, 2))) throw std::invalid_argument("correct: threshold e must lie in (0, 1/2)");
  const Rational s = 1 / (1 - 2 * e);
  auto& ffn = layer.ffn;
  for (const auto& name : plan.rows) {
    const RowBlock& block = layout.block(name);
    for (int i = 0; i < block.size; ++i) {
      const int r = block.row(i);
      ffn.add_output(r, ffn.add_unit(0, {{r, 1}}), -1);  // -x
      ffn.add_output(r, ffn.add_unit(0, {{r, -1}}), 1);
      ffn.add_output(r, ffn.add_unit(1 - e, {{r, 1}}), s);
      ffn.add_output(r, ffn.add_unit(e, {{r, 1}}), -s);
      ffn.add_output(r, ffn.add_unit(-e, {{r, 1}}), s);
      ffn.add_output(r, ffn.add_unit(e - 1, {{r, 1}}), -s);
      ffn.add_bias(r, -1);
    }
    layer.reads.insert(name);
    layer.writes.insert(name);
  }
  return layer;
}

}  // namespace loopcert::blocks
