// Lemma `fleq_elementwise` (proofs/fleq_elementwise.md): add, sub and copy of two operands
// read into the same columns, in one ReLU sublayer and selected by 0/1 selector rows
// (derived from the opcode in the loop):
//   out_i += sum_op relu(f_op - M (1 - sel_op)) - relu(-f_op - M (1 - sel_op)),
//   f_add = a_i + b_i, f_sub = a_i - b_i, f_copy = a_i,
// which is sum_op sel_op f_op exactly in real arithmetic when |f_op| < M (M = 4G). In
// floating point the selected op costs one rounding (add, sub) or none (copy), and an
// unselected op contributes exactly 0.
//
// Reads:  a, b (k rows each), the selector rows. Writes: out (k rows, zero before).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks {

struct ElementwisePlan {
  std::string name = "fleq_elementwise";
  std::string a, b, out;           // k rows each
  std::string select_add, select_sub, select_copy;  // 1 row each: 0 or 1, at most one 1 per column
  Rational gate;                   // M > 2G (bounds::fleq_elementwise_gate: 4G)
};

inline LayerSpec fleq_elementwise(const Layout& layout, const ElementwisePlan& plan) {
  const RowBlock& a = layout.block(plan.a);
  const RowBlock& b = layout.block(plan.b);
  const RowBlock& out = layout.block(plan.out);
  if (a.size != b.size || out.size != a.size)
    throw LayoutError(plan.name + ": operands '" + a.name + "', '" + b.name + "' and result '" + out.name + "' differ in size");
  if (plan.gate <= 0) throw LayoutError(plan.name + ": the gate must be positive");
  const Rational& M = plan.gate;
  LayerSpec layer(plan.name, layout.rows());
  struct Op {
    int select;
    int b_sign;  // f = a + b_sign * b
  };
  const std::vector<Op> ops = {{layout.row(plan.select_add), 1}, {layout.row(plan.select_sub), -1}, {layout.row(plan.select_copy), 0}};
  for (int i = 0; i < out.size; ++i)
    for (const Op& op : ops)
      for (const int sign : {1, -1}) {
        // bias -M, then M sel (0 exactly when selected), then the operands: the large terms cancel first.
        std::vector<std::pair<int, Rational>> in = {{op.select, M}, {a.row(i), sign}};
        if (op.b_sign != 0) in.push_back({b.row(i), sign * op.b_sign});
        layer.ffn.add_output(out.row(i), layer.ffn.add_unit(-M, in), sign);
      }
  layer.reads = {plan.a, plan.b, plan.select_add, plan.select_sub, plan.select_copy};
  layer.writes = {plan.out};
  return layer;
}

}  // namespace loopcert::blocks
