// Lemma `fleq_matmul` (proofs/fleq_matmul.md): A B from the paired softmax head of
// fleq_product with the data moved from the keys to the values. A is p x q (columns
// a_l), B is q x r (columns b_j). For every l two key columns carry the constant slot
// code +e_l / -e_l and the data +a_l / -a_l; output column j queries with b_j. The pair
// of a_l scores +-x_l, x_l = B_lj / C, and its values are +-nu a_l (nu = n C / 2), so
//   out = sum_l a_l C sinh(x_l) / (1 + D),   D = (2/n) sum_l (cosh x_l - 1),
// which is A b_j + O(q G_A G_B^3 / C^2). The same head gives s B (query s e_j, values B).
//
// Reads:  slots (q rows), queries (q rows), data (p rows). Writes: out (p rows, zero before).
// C = 2^scale_log2; 1/(C lambda) sits in the key weights (no per-head scale in the engine yet).
#pragma once
#include <string>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks {

struct MatmulPlan {
  std::string name = "fleq_matmul";
  std::string slots;    // q rows: +e_l on column c_l+, -e_l on c_l-, 0 elsewhere (exact constants)
  std::string queries;  // q rows: b_j on the output columns
  std::string data;     // p rows: +a_l on c_l+, -a_l on c_l-, 0 elsewhere
  std::string out;      // p rows, zero before the layer
  int scale_log2 = 0;   // C = 2^scale_log2 (bounds::fleq_matmul_best_scale)
  Rational lambda = 1;  // the layer's temperature (as ProductPlan::lambda)
};

inline LayerSpec fleq_matmul(const Layout& layout, const MatmulPlan& plan) {
  const RowBlock& slots = layout.block(plan.slots);
  const RowBlock& queries = layout.block(plan.queries);
  const RowBlock& data = layout.block(plan.data);
  const RowBlock& out = layout.block(plan.out);
  const int n = layout.columns();
  if (slots.size != queries.size)
    throw LayoutError(plan.name + ": slots '" + slots.name + "' and queries '" + queries.name + "' differ in size");
  if (data.size != out.size) throw LayoutError(plan.name + ": data '" + data.name + "' and output '" + out.name + "' differ in size");
  if (n < 2 * slots.size)
    throw LayoutError(plan.name + ": " + std::to_string(n) + " columns cannot hold " + std::to_string(slots.size) + " column pairs");
  if (plan.lambda <= 0) throw LayoutError(plan.name + ": the layer temperature must be positive");
  const Rational C = pow2(plan.scale_log2);
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = plan.lambda;
  HeadSpec& head = layer.add_head(plan.name, slots.size);
  for (int l = 0; l < slots.size; ++l) {
    head.query.add(l, queries.row(l), 1);
    head.key.add(l, slots.row(l), 1 / (C * plan.lambda));
  }
  const Rational nu = Rational(n) * C / 2;
  for (int i = 0; i < data.size; ++i) head.value.add(out.row(i), data.row(i), nu);
  layer.reads = {plan.slots, plan.queries, plan.data};
  layer.writes = {plan.out};
  return layer;
}

}  // namespace loopcert::blocks
