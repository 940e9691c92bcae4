// Lemma `fleq_transpose` (proofs/fleq_transpose.md): A^T as the product head of
// fleq_product with B = I: output column j queries with the constant one-hot code e_j
// of its offset in the cell (an exact row block of the punchcard), so its score of the
// pair of a_i is +-A_ji / C and output row i receives C sinh(A_ji / C) / (1 + D). One head,
// constant values (the slots) and a constant query; the data is only in the keys.
//
// Reads:  keys (+-a_i on the pair columns), offsets (q rows: e_j on output column j, 0
//         elsewhere), slots. Writes: out (p rows, zero before).
#pragma once
#include <string>

#include "blocks/fleq_product.hpp"

namespace loopcert::blocks {

struct TransposePlan {
  std::string name = "fleq_transpose";
  std::string keys;     // q rows, as ProductPlan::keys
  std::string offsets;  // q rows: the one-hot offset code (exact constants)
  std::string slots;    // p rows, as ProductPlan::slots
  std::string out;      // p rows, zero before the layer
  int scale_log2 = 0;   // C = 2^scale_log2 (bounds::fleq_transpose_best_scale)
  Rational lambda = 1;  // the layer's temperature (as ProductPlan::lambda)
};

inline LayerSpec fleq_transpose(const Layout& layout, const TransposePlan& plan) {
  return fleq_product(layout, ProductPlan{plan.name, plan.keys, plan.offsets, plan.slots, plan.out, plan.scale_log2, plan.lambda});
}

}  // namespace loopcert::blocks
