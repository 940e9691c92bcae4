// Lemma `read` (proofs/read.md): one attention head whose query is a pointer held in
// the work column and whose keys are the positional codes copies the addressed
// column's source rows into destination rows; the ReLU sublayer then snaps the copy
// to the nearest +-1 on the work column and clears the destination everywhere else.
//
// Reads:  pointer (work column), pos, sources (all columns), is_work.
// Writes: destinations (zero before the layer; +-1 on the work column after, 0 elsewhere).
//
// Departures from the paper, both argued in proofs/read.md: the scratchpad columns carry
// a zero positional code (they are never addressed, as in the reference code's column
// 0), and the copy is snapped before use, so read noise never reaches the adder.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "blocks/detail/ffn_helpers.hpp"
#include "blocks/shared/params.hpp"

namespace loopcert::blocks {

struct ReadPlan {
  std::string name = "read";
  std::string pointer;                                     // L rows, work column
  std::vector<std::pair<std::string, std::string>> copies;  // (source block, destination block), equal sizes
  std::string position = "pos";
  std::string indicator = "is_work";
};

inline LayerSpec read(const Layout& layout, const ReadPlan& plan, const BlockParams& params) {
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = params.lambda;
  layer.scale = ScoreScale::RunTemperature;
  const RowBlock& ptr = layout.block(plan.pointer);
  const RowBlock& pos = layout.block(plan.position);
  if (ptr.size != pos.size) throw LayoutError("read: pointer '" + ptr.name + "' and positions differ in size");
  HeadSpec& head = layer.add_head(plan.name, pos.size);
  for (int k = 0; k < pos.size; ++k) {
    head.query.add(k, ptr.row(k), 1);
    head.key.add(k, pos.row(k), 1);
  }
  const int ind = layout.row(plan.indicator);
  const int ind_unit = detail::indicator_unit(layer.ffn, ind);
  const Rational& e = params.snap;  // 1/2 by default: slope 2, so every weight is dyadic
  const Rational slope = 1 / (1 - e);
  for (const auto& [src_name, dst_name] : plan.copies) {
    const RowBlock& src = layout.block(src_name);
    const RowBlock& dst = layout.block(dst_name);
    if (src.size != dst.size) throw LayoutError("read: '" + src_name + "' and '" + dst_name + "' differ in size");
    for (int i = 0; i < src.size; ++i) head.value.add(dst.row(i), src.row(i), 1);
    // On the work column: dst <- snap(dst) = -1 + slope*(relu(dst + 1 - e) - relu(dst - 1 + e)).
    // Elsewhere the gate constant C_g pushes both ReLUs off, and dst <- 0.
    // The indicator term is listed first so C_g cancels before the small value is added.
    const Rational& C = params.gate;
    for (int i = 0; i < dst.size; ++i) {
      const int r = dst.row(i);
      layer.ffn.add_output(r, layer.ffn.add_unit(1 - e - C, {{ind, C}, {r, 1}}), slope);
      layer.ffn.add_output(r, layer.ffn.add_unit(e - 1 - C, {{ind, C}, {r, 1}}), -slope);
      layer.ffn.add_output(r, ind_unit, -1);
    }
    detail::clear_rows(layer.ffn, dst);  // removes the attention's copy itself
    layer.reads.insert(src_name);
    layer.writes.insert(dst_name);
  }
  layer.reads.insert({plan.pointer, plan.position, plan.indicator});
  return layer;
}

}  // namespace loopcert::blocks
