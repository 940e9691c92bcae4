// The ReLU idioms the FLEQ loop uses to turn fetched +-1 fields into 0/1 selectors and
// to gate, snap and test results. Each is exact in real arithmetic on its stated inputs
// (argued in the comment); they add hidden units to a layer that exists anyway.
#pragma once
#include <vector>

#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::compile::fleq::detail {

using Terms = std::vector<std::pair<int, Rational>>;

// x -> 0 on every column: x += -relu(x) + relu(-x), exact in any arithmetic.
inline void clear_rows(FfnSpec& ffn, const RowBlock& block) {
  for (int i = 0; i < block.size; ++i) {
    const int r = block.row(i);
    ffn.add_output(r, ffn.add_unit(0, {{r, 1}}), -1);
    ffn.add_output(r, ffn.add_unit(0, {{r, -1}}), 1);
  }
}

// relu(c) = c for a non-negative constant row c.
inline int identity_unit(FfnSpec& ffn, int row) { return ffn.add_unit(0, {{row, 1}}); }

// out += (x + w) / 2 = relu(x/2 + w/2) for x = +-1 on the work columns (w = 1) and x = 0
// elsewhere (w = 0): 1 for +1, 0 for -1 and off the work columns. One unit.
inline void add_bit01(FfnSpec& ffn, int x, int is_work, int out) {
  ffn.add_output(out, ffn.add_unit(0, {{is_work, Rational(1, 2)}, {x, Rational(1, 2)}}), 1);
}

// out += sign g x for a 0/1 gate g and x = sum of rows with |x| < M:
// relu(-M + M g + x) - relu(-M + M g - x). The large terms come first so they cancel
// exactly (g = 1) before x is added; g = 0 gives exactly 0. Two units.
inline void add_gated_pass(FfnSpec& ffn, const std::vector<int>& x, int gate, int out, const Rational& M, int sign = 1) {
  for (const int s : {1, -1}) {
    Terms in = {{gate, M}};
    for (const int r : x) in.push_back({r, s});
    ffn.add_output(out, ffn.add_unit(-M, in), s * sign);
  }
}

// out += [x = +1 and c = 1] for x = +-1 on the work columns and 0 elsewhere, c a 0/1
// constant row that is 0 off the work columns: relu(x/2 + c - 1/2). One unit.
inline void add_bit_and(FfnSpec& ffn, int x, int c, int out) {
  ffn.add_output(out, ffn.add_unit(Rational(-1, 2), {{c, 1}, {x, Rational(1, 2)}}), 1);
}

}  // namespace loopcert::compile::fleq::detail
