// Small ReLU idioms the blocks share. Each adds hidden units to an FfnSpec.
#pragma once
#include <string>
#include <vector>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks::detail {

using Terms = std::vector<std::pair<int, Rational>>;

// x -> 0 on every column: x += -relu(x) + relu(-x). Exact in any arithmetic, since one
// of the two ReLUs is 0 and the other is |x|.
inline void clear_rows(FfnSpec& ffn, const RowBlock& block) {
  for (int i = 0; i < block.size; ++i) {
    const int r = block.row(i);
    ffn.add_output(r, ffn.add_unit(0, {{r, 1}}), -1);
    ffn.add_output(r, ffn.add_unit(0, {{r, -1}}), 1);
  }
}

// A unit relu(indicator) = indicator for a 0/1 indicator row; used to write -ind
// (a bias that exists only on the gated columns).
inline int indicator_unit(FfnSpec& ffn, int indicator_row) { return ffn.add_unit(0, {{indicator_row, 1}}); }

// A clean FFN-only layer touching the given blocks.
inline LayerSpec ffn_layer(const std::string& name, const Layout& layout) { return LayerSpec(name, layout.rows()); }

}  // namespace loopcert::blocks::detail
