// The FLEQ loop (README "The FLEQ transformer (construction)"): the blocks side by side
// in seven layers, exact rational weights.
//   1 fetch     read the command at pc (1 head), snap its fields; correct pc
//   2 decode    fields -> 0/1 selectors and masks; add each work column's offset to the
//               operand and destination pointers
//   3 operands  fleq_read A, B and A's first column on every work column (3 heads);
//               fleq_elementwise (add, sub, copy); the product keys (+-A's columns, or
//               +-s e_t for scale); the result gates (destination shape, op family, .int)
//   4 products  fleq_product A^T B / s B, fleq_transpose A^T, fleq_matmul A B (3 heads);
//               hadamard (1 head per row); fleq_function f(A) (m R heads per function);
//               res = the gated result of the selected family
//   5 write     fleq_write res to the destination (1 head); increment (next = pc + 1)
//   6 flag      fleq_read the flag cell after the write (1 head); fleq_flag [x <= 0];
//               fleq_int_snap of every .int cell in place
//   7 branch    pc = flag ? target : next; clear the temporaries
#pragma once
#include <string>
#include <vector>

#include "compile/fleq/constants.hpp"
#include "compile/fleq/layout.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::compile::fleq {

LoopSpec fleq_loop(const Layout& layout, const Geometry& geometry, const FleqConstants& constants);

// The size of one loop, for the report and the comparison with the paper (13 layers,
// 1 head per layer in its Table 1).
struct LoopShape {
  int layers = 0;
  int heads = 0;
  int max_heads_per_layer = 0;
  int hidden_units = 0;
  std::vector<std::string> layer_names;
  std::vector<int> heads_per_layer;
  std::vector<int> hidden_per_layer;
};
LoopShape loop_shape(const LoopSpec& loop);

}  // namespace loopcert::compile::fleq
