// Lemma `fleq_write` (proofs/fleq_write.md): the result columns of an instruction go
// back to the k memory columns of the destination cell. As SUBLEQ's write: every column
// queries with its own positional code, keys are the positional codes plus the pointer
// (the pointer is nonzero only on the source columns, whose code is zero), so the
// addressed memory column ties its own key with its source's and receives half the
// result and half the "hit" flag. The ReLU gate
//   x += relu(g + 2 buf - x) - relu(g - 2 buf + x),   g = C_w (2 hit - 1) - 2 C_w (1 - is_mem)
// puts x within |g| of 2 buf on the addressed columns (g ~ 0) and leaves every other
// column exactly alone (g <= -C_w(1 - 2 hit), and C_w = 3G exceeds |2 buf - x| there).
//
// Reads:  pointer (L rows: code of its target on each source column, 0 elsewhere), pos,
//         source (result rows, 0 off the source columns), sources (indicator), is_mem,
//         target (data rows, |entry| <= G everywhere).
// Writes: target, buffer, hit (buffer and hit zero before and after).
#pragma once
#include <string>

#include "blocks/detail/ffn_helpers.hpp"

namespace loopcert::blocks {

struct FleqWritePlan {
  std::string name = "fleq_write";
  std::string pointer;  // L rows
  std::string source;   // result rows (as many as target)
  std::string target;   // memory data rows
  std::string buffer;   // as many rows as target
  std::string hit;      // 1 row
  std::string sources;  // 1 row: 1 on the active source columns, 0 elsewhere
  std::string position = "pos";
  std::string target_columns = "is_mem";
  Rational lambda;  // addressing temperature (bounds::fleq_write_temperature_eighths)
  Rational gate;    // C_w (bounds::fleq_write_gate: 3 G)
};

inline LayerSpec fleq_write(const Layout& layout, const FleqWritePlan& plan) {
  const RowBlock& ptr = layout.block(plan.pointer);
  const RowBlock& pos = layout.block(plan.position);
  const RowBlock& src = layout.block(plan.source);
  const RowBlock& dst = layout.block(plan.target);
  const RowBlock& buf = layout.block(plan.buffer);
  const int hit = layout.row(plan.hit), is_src = layout.row(plan.sources), is_mem = layout.row(plan.target_columns);
  if (ptr.size != pos.size) throw LayoutError(plan.name + ": pointer '" + ptr.name + "' and positions differ in size");
  if (src.size != dst.size || buf.size != dst.size)
    throw LayoutError(plan.name + ": source '" + src.name + "', target '" + dst.name + "' and buffer '" + buf.name +
                      "' differ in size");
  if (plan.lambda <= 0 || plan.gate <= 0) throw LayoutError(plan.name + ": temperature and gate must be positive");
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = plan.lambda;
  HeadSpec& head = layer.add_head(plan.name, pos.size);
  for (int b = 0; b < pos.size; ++b) {
    head.query.add(b, pos.row(b), 1);
    head.key.add(b, pos.row(b), 1);
    head.key.add(b, ptr.row(b), 1);
  }
  for (int i = 0; i < src.size; ++i) head.value.add(buf.row(i), src.row(i), 1);
  head.value.add(hit, is_src, 1);
  const Rational& C = plan.gate;
  for (int i = 0; i < dst.size; ++i) {
    const int x = dst.row(i), b = buf.row(i);
    // Large terms first (-3C + 2C is_mem + 2C hit ~ 0 on the addressed columns), then the values.
    layer.ffn.add_output(x, layer.ffn.add_unit(-3 * C, {{is_mem, 2 * C}, {hit, 2 * C}, {b, 2}, {x, -1}}), 1);
    layer.ffn.add_output(x, layer.ffn.add_unit(-3 * C, {{is_mem, 2 * C}, {hit, 2 * C}, {b, -2}, {x, 1}}), -1);
  }
  detail::clear_rows(layer.ffn, buf);
  detail::clear_rows(layer.ffn, layout.block(plan.hit));
  layer.reads = {plan.pointer, plan.position, plan.source, plan.sources, plan.target_columns, plan.target};
  layer.writes = {plan.target, plan.buffer, plan.hit};
  return layer;
}

}  // namespace loopcert::blocks
