// Lemma `fleq_read` (proofs/fleq_read.md): the real-valued operand read. Each destination
// column (one per matrix column of a cell: offset j of the operand's scratch region)
// queries with the exact +-1 positional code of the memory column it reads, keys are the
// positional codes, and the value copies the data rows into the operand rows. The copy
// is the addressed column's data up to the softmax leak (data cannot be snapped); the
// ReLU sublayer then clears the operand rows on every column that is not a destination
// (they received an average of whatever they attended to). The clear is exact in any
// binary floating point.
//
// Reads:  pointer (L rows: the code on destination columns, 0 elsewhere), pos, sources
//         (data rows, |entry| <= G on every column), destinations (indicator row).
// Writes: operand rows (zero before; after: the copy on destination columns, 0 elsewhere).
// The temperature: bounds::fleq_read_temperature(n, G, eps), about (1/2) ln(2 n G / eps).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks {

struct FleqReadPlan {
  std::string name = "fleq_read";
  std::string pointer;       // L rows
  std::string source;        // data rows (a cell's matrix column), every column
  std::string operand;       // the same number of rows, zero before the layer
  std::string destinations;  // 1 row: 1 on the destination columns, 0 elsewhere (exact)
  std::string position = "pos";
  Rational lambda;           // addressing temperature (dyadic: the scores stay exact)
  Rational gate;             // M > G: the clear's gate constant (bounds::fleq_read_gate)
};

inline LayerSpec fleq_read(const Layout& layout, const FleqReadPlan& plan) {
  const RowBlock& ptr = layout.block(plan.pointer);
  const RowBlock& pos = layout.block(plan.position);
  const RowBlock& src = layout.block(plan.source);
  const RowBlock& dst = layout.block(plan.operand);
  const int is_dst = layout.row(plan.destinations);
  if (ptr.size != pos.size)
    throw LayoutError(plan.name + ": pointer '" + ptr.name + "' has " + std::to_string(ptr.size) + " rows, positions " +
                      std::to_string(pos.size));
  if (src.size != dst.size)
    throw LayoutError(plan.name + ": source '" + src.name + "' and operand '" + dst.name + "' differ in size");
  if (plan.lambda <= 0 || plan.gate <= 0) throw LayoutError(plan.name + ": temperature and gate must be positive");
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = plan.lambda;
  HeadSpec& head = layer.add_head(plan.name, pos.size);
  for (int b = 0; b < pos.size; ++b) {
    head.query.add(b, ptr.row(b), 1);
    head.key.add(b, pos.row(b), 1);
  }
  for (int i = 0; i < src.size; ++i) head.value.add(dst.row(i), src.row(i), 1);
  // x <- x - relu(x - M is_dst) + relu(-x - M is_dst): x on destinations (|x| <= G < M,
  // both units 0), 0 elsewhere (the units are relu(x) and relu(-x)).
  for (int i = 0; i < dst.size; ++i) {
    const int r = dst.row(i);
    layer.ffn.add_output(r, layer.ffn.add_unit(0, {{r, 1}, {is_dst, -plan.gate}}), -1);
    layer.ffn.add_output(r, layer.ffn.add_unit(0, {{r, -1}, {is_dst, -plan.gate}}), 1);
  }
  layer.reads = {plan.pointer, plan.position, plan.source, plan.destinations};
  layer.writes = {plan.operand};
  return layer;
}

}  // namespace loopcert::blocks
