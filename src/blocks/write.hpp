// Lemma `write` (proofs/write.md): the memory column named by a pointer in the work
// column takes the work column's value. Every column queries with its own positional
// code; keys are the positional codes plus the pointer (which is zero off the work
// column, where the code is zero), so the addressed column scores its own key and the
// work column's key equally and receives half the value and half the "hit" flag. The
// ReLU gate then overwrites:
//   x += relu(G + 2 buf - x) - relu(G - 2 buf + x),   G = C_w (2 hit - 1) - 2 C_w (1 - is_mem)
// which is x <- 2 buf on the addressed memory column (G ~ 0 there) and leaves every
// other column alone (G <= -C_w there, and C_w exceeds |2 buf - x|).
//
// Reads:  pointer (work), pos, source (work), is_work, is_mem, target.
// Writes: target, buffer, hit (buffer and hit are zero before and after).
#pragma once
#include <string>

#include "blocks/detail/ffn_helpers.hpp"
#include "blocks/shared/params.hpp"

namespace loopcert::blocks {

struct WritePlan {
  std::string name = "write";
  std::string pointer;     // L rows, work column
  std::string source;      // value rows, work column
  std::string target;      // memory rows, target columns
  std::string buffer;      // same size as source
  std::string hit;         // 1 row
  std::string position = "pos";
  std::string work = "is_work";
  std::string target_columns = "is_mem";
};

inline LayerSpec write(const Layout& layout, const WritePlan& plan, const BlockParams& params) {
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = params.lambda;
  layer.scale = ScoreScale::RunTemperature;
  const RowBlock& ptr = layout.block(plan.pointer);
  const RowBlock& pos = layout.block(plan.position);
  const RowBlock& src = layout.block(plan.source);
  const RowBlock& dst = layout.block(plan.target);
  const RowBlock& buf = layout.block(plan.buffer);
  const int hit = layout.row(plan.hit);
  const int work = layout.row(plan.work);
  const int is_target = layout.row(plan.target_columns);
  if (src.size != dst.size || buf.size != src.size) throw LayoutError("write: source, target and buffer differ in size");
  HeadSpec& head = layer.add_head(plan.name, pos.size);
  for (int k = 0; k < pos.size; ++k) {
    head.query.add(k, pos.row(k), 1);
    head.key.add(k, pos.row(k), 1);
    head.key.add(k, ptr.row(k), 1);
  }
  for (int i = 0; i < src.size; ++i) head.value.add(buf.row(i), src.row(i), 1);
  head.value.add(hit, work, 1);
  const Rational& C = params.write_gate;
  for (int i = 0; i < dst.size; ++i) {
    const int x = dst.row(i), b = buf.row(i);
    // Large terms first (-3C + 2C is_mem + 2C hit ~ 0 on the addressed column), then the values.
    layer.ffn.add_output(x, layer.ffn.add_unit(-3 * C, {{is_target, 2 * C}, {hit, 2 * C}, {b, 2}, {x, -1}}), 1);
    layer.ffn.add_output(x, layer.ffn.add_unit(-3 * C, {{is_target, 2 * C}, {hit, 2 * C}, {b, -2}, {x, 1}}), -1);
  }
  detail::clear_rows(layer.ffn, buf);
  detail::clear_rows(layer.ffn, layout.block(plan.hit));
  layer.reads = {plan.pointer, plan.position, plan.source, plan.work, plan.target_columns, plan.target};
  layer.writes = {plan.target, plan.buffer, plan.hit};
  return layer;
}

}  // namespace loopcert::blocks
