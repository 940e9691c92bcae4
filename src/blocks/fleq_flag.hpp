// Lemma `fleq_flag` (proofs/fleq_flag.md): the flat-topped flag of an integer cell read
// into a column (the branch condition mem[flag] <= 0):
//   flag = iota - 2 relu(x - 1/4 - M (1 - iota)) + 2 relu(x - 3/4 - M (1 - iota)),
// which is exactly 1 for x <= 1/4 and exactly 0 for x >= 3/4 on the indicated column
// (iota = 1), and exactly 0 on every other column. Every pre-activation x - c has
// 0 <= x - c <= x when it is positive, and c a multiple of ulp(x), so the plateaus are
// exact in binary floating point too.
//
// Reads: source (1 row), indicator (1 row). Writes: target (1 row, zero before).
#pragma once
#include <string>

#include "blocks/detail/ffn_helpers.hpp"

namespace loopcert::blocks {

struct FleqFlagPlan {
  std::string name = "fleq_flag";
  std::string source;     // the integer cell's value as read (within 1/4 of an integer)
  std::string indicator;  // 1 on the column holding the read value, 0 elsewhere
  std::string target;     // 1 row, zero before
  Rational gate;          // M >= max|source| + 1 on the other columns (bounds::fleq_flag_gate)
};

inline LayerSpec fleq_flag(const Layout& layout, const FleqFlagPlan& plan) {
  const int x = layout.row(plan.source), ind = layout.row(plan.indicator), out = layout.row(plan.target);
  if (plan.gate < 1) throw LayoutError(plan.name + ": the gate must be at least 1");
  const Rational& M = plan.gate;
  LayerSpec layer(plan.name, layout.rows());
  FfnSpec& ffn = layer.ffn;
  ffn.add_output(out, detail::indicator_unit(ffn, ind), 1);  // first the 1 (exact), then the ramps
  ffn.add_output(out, ffn.add_unit(-Rational(1, 4) - M, {{ind, M}, {x, 1}}), -2);
  ffn.add_output(out, ffn.add_unit(-Rational(3, 4) - M, {{ind, M}, {x, 1}}), 2);
  layer.reads = {plan.source, plan.indicator};
  layer.writes = {plan.target};
  return layer;
}

}  // namespace loopcert::blocks
