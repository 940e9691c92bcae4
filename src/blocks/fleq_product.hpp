// Lemma `fleq_product` (proofs/fleq_product.md): A^T B from one softmax head held in its
// nearly linear range (the paper's idea), in the paired form of FLEQ.md section 4.
//
// A is q x p (columns a_1..a_p), B is q x r (columns b_j). For every column a_i two key
// columns carry +a_i and -a_i in the key rows and +e_i, -e_i in the slot rows; every
// other column carries 0 in both. Each output column j queries with b_j. The head's
// score of the pair is +-x_i, x_i = a_i . b_j / C, and its value is +-nu e_i with
// nu = n C / 2, so output row i receives
//   nu (e^x_i - e^-x_i) / Z = C sinh(x_i) / (1 + D),   D = (2/n) sum_l (cosh x_l - 1),
// which is a_i . b_j + O(|a.b|^3 / C^2): the constant term, the cross terms and the
// first-order denominator term cancel exactly between the two columns of a pair.
//
// Reads:  keys (q rows), queries (q rows), slots (p rows). Writes: out (p rows, zero before).
// The scale is C = 2^scale_log2, so 1/C and nu are exact in binary floating point. The
// engine has no per-head score scale yet, so 1/(C lambda) sits in the key weights
// (lambda = 1 on a layer of its own) (proofs/fleq_product.md, "Temperature").
#pragma once
#include <string>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks {

struct ProductPlan {
  std::string name = "fleq_product";
  std::string keys;     // q rows: +a_i on column c_i+, -a_i on c_i-, 0 on every other column
  std::string queries;  // q rows: b_j on the output columns (anything elsewhere)
  std::string slots;    // p rows: +e_i on c_i+, -e_i on c_i-, 0 elsewhere (exact constants)
  std::string out;      // p rows, zero before the layer
  int scale_log2 = 0;   // C = 2^scale_log2 (bounds/fleq_product.hpp: fleq_product_best_scale)
  // The temperature of the layer the head sits in (merge() needs one per layer): the key
  // weight is 1 / (C lambda), so the score is still x / C. A power of two keeps it exact.
  Rational lambda = 1;
};

inline LayerSpec fleq_product(const Layout& layout, const ProductPlan& plan) {
  const RowBlock& keys = layout.block(plan.keys);
  const RowBlock& queries = layout.block(plan.queries);
  const RowBlock& slots = layout.block(plan.slots);
  const RowBlock& out = layout.block(plan.out);
  const int n = layout.columns();
  if (keys.size != queries.size)
    throw LayoutError(plan.name + ": keys '" + keys.name + "' (" + std::to_string(keys.size) + " rows) and queries '" +
                      queries.name + "' (" + std::to_string(queries.size) + " rows) differ in size");
  if (slots.size != out.size)
    throw LayoutError(plan.name + ": slots '" + slots.name + "' and output '" + out.name + "' differ in size");
  if (n < 2 * slots.size)
    throw LayoutError(plan.name + ": " + std::to_string(n) + " columns cannot hold " + std::to_string(slots.size) + " column pairs");
  if (plan.lambda <= 0) throw LayoutError(plan.name + ": the layer temperature must be positive");
  const Rational C = pow2(plan.scale_log2);
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = plan.lambda;  // the scale is in the key weights (see above)
  HeadSpec& head = layer.add_head(plan.name, keys.size);
  for (int l = 0; l < keys.size; ++l) {
    head.query.add(l, queries.row(l), 1);
    head.key.add(l, keys.row(l), 1 / (C * plan.lambda));
  }
  const Rational nu = Rational(n) * C / 2;
  for (int i = 0; i < slots.size; ++i) head.value.add(out.row(i), slots.row(i), nu);
  layer.reads = {plan.keys, plan.queries, plan.slots};
  layer.writes = {plan.out};
  return layer;
}

}  // namespace loopcert::blocks
