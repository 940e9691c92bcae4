// Lemma `branch` (proofs/branch.md): pc <- flag ? taken : fallthrough, a ReLU
// multiplexer exact on +-1 inputs and a 0/1 flag, that also erases the old pc:
//   pc += -pc + [relu(c + 2f - 2) - relu(-c + 2f - 2)] + [relu(x - 2f) - relu(-x - 2f)]
// (for |c|, |x| <= 1: f = 1 passes c, f = 0 passes x). Where every input is 0 (off the
// work column) the output is 0.
//
// Reads: flag, taken, fallthrough, target. Writes: target.
#pragma once
#include <string>

#include "blocks/detail/ffn_helpers.hpp"

namespace loopcert::blocks {

struct BranchPlan {
  std::string name = "branch";
  std::string flag = "flag";
  std::string taken = "ins_c";
  std::string fallthrough = "next";
  std::string target = "pc";
};

inline LayerSpec branch(const Layout& layout, const BranchPlan& plan) {
  LayerSpec layer(plan.name, layout.rows());
  const int f = layout.row(plan.flag);
  const RowBlock& c = layout.block(plan.taken);
  const RowBlock& x = layout.block(plan.fallthrough);
  const RowBlock& pc = layout.block(plan.target);
  if (c.size != pc.size || x.size != pc.size) throw LayoutError("branch: pointer sizes differ");
  auto& ffn = layer.ffn;
  for (int i = 0; i < pc.size; ++i) {
    const int r = pc.row(i);
    ffn.add_output(r, ffn.add_unit(-2, {{f, 2}, {c.row(i), 1}}), 1);
    ffn.add_output(r, ffn.add_unit(-2, {{f, 2}, {c.row(i), -1}}), -1);
    ffn.add_output(r, ffn.add_unit(0, {{f, -2}, {x.row(i), 1}}), 1);
    ffn.add_output(r, ffn.add_unit(0, {{f, -2}, {x.row(i), -1}}), -1);
  }
  detail::clear_rows(ffn, pc);  // erase the old value
  layer.reads = {plan.flag, plan.taken, plan.fallthrough, plan.target};
  layer.writes = {plan.target};
  return layer;
}

}  // namespace loopcert::blocks
