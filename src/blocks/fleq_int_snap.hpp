// Lemma `fleq_int_snap` (proofs/fleq_int_snap.md): every `.int` cell is snapped to the
// nearest integer, in place, by a staircase of ReLUs, on the columns an indicator marks:
//   x <- sum_{t=1..K} [step_t(x) - step_t(-x)],  step_t(y) = 2 relu(y - t + 3/4) - 2 relu(y - t + 1/4),
// (step_t is 1 for y >= t - 1/4 and 0 for y <= t - 3/4), which is m exactly for x within
// 1/4 of an integer m in [-K, K]. The steps count up from 0 on both sides, so every
// pre-activation and every partial sum is exact in binary floating point as well (no
// negative offsets are added to x). Off the indicated columns a gate M pushes every unit
// off and x is unchanged exactly.
//
// Reads and writes: rows (in place); reads the indicator row.
#pragma once
#include <string>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks {

struct IntSnapPlan {
  std::string name = "fleq_int_snap";
  std::string rows;       // the rows snapped (a cell's data rows)
  std::string indicator;  // 1 row: 1 on the columns of `.int` cells, 0 elsewhere (exact)
  int range = 1;          // K: the integers snapped lie in [-K, K]
  Rational gate;          // M >= G + K + 2 (bounds::fleq_int_snap_gate)
};

inline LayerSpec fleq_int_snap(const Layout& layout, const IntSnapPlan& plan) {
  const RowBlock& rows = layout.block(plan.rows);
  const int ind = layout.row(plan.indicator);
  if (plan.range < 1) throw LayoutError(plan.name + ": the range K must be at least 1");
  if (plan.gate < plan.range + 2) throw LayoutError(plan.name + ": the gate must be at least K + 2");
  const Rational& M = plan.gate;
  LayerSpec layer(plan.name, layout.rows());
  FfnSpec& ffn = layer.ffn;
  for (int i = 0; i < rows.size; ++i) {
    const int x = rows.row(i);
    // First x -> 0 (gated identity: relu(x) - relu(-x) = x where the indicator is 1) ...
    ffn.add_output(x, ffn.add_unit(-M, {{ind, M}, {x, 1}}), -1);
    ffn.add_output(x, ffn.add_unit(-M, {{ind, M}, {x, -1}}), 1);
    // ... then the steps, t = 1..K, each side adding +-1 to an exact integer.
    for (int t = 1; t <= plan.range; ++t)
      for (const int side : {1, -1}) {
        const Rational lo = Rational(t) - Rational(3, 4), hi = Rational(t) - Rational(1, 4);
        ffn.add_output(x, ffn.add_unit(-lo - M, {{ind, M}, {x, side}}), 2 * side);
        ffn.add_output(x, ffn.add_unit(-hi - M, {{ind, M}, {x, side}}), -2 * side);
      }
  }
  layer.reads = {plan.rows, plan.indicator};
  layer.writes = {plan.rows};
  return layer;
}

}  // namespace loopcert::blocks
