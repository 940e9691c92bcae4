// The FLEQ loop theorem (proofs/fleq_loop.md) for the 7-layer loop of compile/fleq/loop.cpp:
// (a) the conditions under which the controller (pc, fetched fields, pointers, opcode,
// .int cells, flag) stays exactly encoded for any number of loops, and (b) the bound on
// every real entry an instruction writes, against the exact operation applied to the
// transformer's own stored operands. Built only from the per-stem bounds
// (bounds/fleq_read.hpp, fleq_write.hpp, fleq_product.hpp, fleq_matmul.hpp, fleq_function.hpp,
// fleq_transpose.hpp, fleq_elementwise.hpp, fleq_int_snap.hpp, fleq_flag.hpp, read.hpp),
// combined with add_up / mul_up so that no printed number is below the exact bound.
//
// bounds/ may not see compile/: the compiled program's constants arrive as doubles in
// FleqLoopConstants (analysis/fleq_loop_constants.hpp fills it from compile::fleq's
// FleqConstants, Layout and Geometry).
#pragma once
#include <string>
#include <vector>

#include "bounds/fleq_function.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

// What the loop bound needs of one compiled program (exact values as doubles; the
// temperatures are dyadic, the gates integers, so they are exact).
struct FleqLoopConstants {
  int n = 0;                 // punchcard columns
  int L = 0;                 // address bits
  int rows = 1;              // data rows (the product's pairs and key rows)
  int width = 1;             // work columns per block
  double data_bound = 1;     // G' = max(.bound, .intbound, 1): every val entry (fleq_read's G)
  double real_bound = 1;     // G = .bound: every entry of a real cell
  int int_bound = 0;         // K
  double read_lambda = 0, write_lambda = 0;
  double fetch_snap = 0.5, fetch_gate = 4;  // the controller's read (blocks::BlockParams)
  double write_gate = 0, select_gate = 0, flag_gate = 0, snap_gate = 0;
  int product_scale_log2 = 0, transpose_scale_log2 = 0, hadamard_scale_log2 = 0, matmul_scale_log2 = 0;
  // The compiled loop: its `fetch`, `decode` and `write` layers' FFN roundings enter the
  // bound (ffn_rounding of bounds/rounding.hpp). nullptr: exact arithmetic only (u = 0).
  const LoopSpec* loop = nullptr;
  // Hypothesis (H2 of the note): every stored entry is within (1 + slack) of its declared
  // bound (.bound for real cells, G' for every val entry). The run's own error is far
  // below it; the tests check it at every loop.
  double stored_slack = 0x1p-20;
  // The elementwise functions' blocks (bounds/fleq_function.hpp), indexed by
  // FleqInstructionShape::function: every input but input_error, which the loop supplies
  // (its read bound). A missing entry, or approximation = infinity (no certified fit
  // error E_w given), makes that function's bound infinite.
  std::vector<FleqFunctionInputs> functions;
  // The scalar's underflow unit and largest finite value for the functions' Theorem 3
  // (bounds::rounding_model): double's by default; set them for another bounded-exponent
  // scalar (a larger eta is still an upper bound, so MPFR may keep double's).
  double underflow = 0x1p-1074;  // >= double's eta (the smallest subnormal)
  double max_finite = 0x1.fffffffffffffp+1023;
};

enum class FleqBoundOp { add, sub, copy, scale, tmatmul, matmul, transpose, hadamard, function };

// One instruction: the operation, the operands' shapes (A = first operand; B unused for
// copy, transpose and the functions), whether the destination is an .int cell.
struct FleqInstructionShape {
  FleqBoundOp op = FleqBoundOp::add;
  int a_rows = 1, a_cols = 1, b_rows = 1, b_cols = 1;
  bool int_result = false;
  int function = -1;  // FleqBoundOp::function: the index into FleqLoopConstants::functions
};

// The parts of the per-entry bound (proofs/fleq_loop.md, Theorem 2); every field rounded up.
struct FleqInstructionBound {
  double read = 0;       // one operand entry: fleq_read_output + fleq_read_rounding (at G')
  double operand = 0;    // |read operand| <= operand (stored bound + read)
  double padding = 0;    // |stored padding entry| (a written 0): the write's bound
  double drift = 0;      // floating point: a 0/1 gate's deviation (controller rows carry the snap's rounding)
  double pass = 0;       // the error one gated pass adds at that deviation
  double data = 0;       // the read errors carried through the exact operation
  double operation = 0;  // the block's own error at the read operands (product, matmul, ...)
  double rounding = 0;   // the exact elementwise ops' one rounding
  double before_write = 0;  // data + operation + rounding: |res - f(A, B)|
  double write = 0;      // fleq_write_output + fleq_write_rounding at the result's bound
  double total = 0;      // |written - f(A, B)| on every entry of the destination's shape
  // The largest entry a gated-off product family may hold and still be gated off exactly
  // (the select gate, hypothesis H5): the caller checks the cross product against it.
  double cross_limit = 0;
  // Whether H5 follows from the declarations: every gated-off family entry (at most R
  // stored-bound^2) is within cross_limit whatever the data.
  bool cross_implied = false;
  std::string reason;    // why total is +infinity (a hypothesis that fails), else empty
};

// The per-instruction bound at unit roundoff u (0: exact arithmetic). An elementwise
// function (sigmoid, exp, recip, sqrt, rsqrt) composes the three lemmas: fleq_read's
// bound is fleq_function's input_error, then the result select and fleq_write as for the
// other operations; +infinity with a reason when the read bound exceeds the fit's margin w.
FleqInstructionBound fleq_instruction_bound(const FleqLoopConstants& k, const FleqInstructionShape& shape, double u);

// Lemma F (proofs/fleq_loop.md): at unit roundoff u the fetch's copy of every +-1 field
// is exactly +-1, so every controller row is exact in floating point too (true for u = 0).
bool fleq_fetch_copy_exact(const FleqLoopConstants& k, double u);

// Part (a): the controller's conditions at unit roundoff u (Theorem 1 of the note).
struct FleqControllerBound {
  double fetch_attention = 0;  // the fetch's copy: read_attention + rounding_attention (<= snap)
  double int_error = 0;        // an .int entry before the snap (<= 1/4)
  double flag_error = 0;       // the flag cell as the flag layer reads it (<= 1/4)
  bool fetch_exact = false, snap_exact = false, flag_exact = false;
  bool exact() const { return fetch_exact && snap_exact && flag_exact; }
  std::string reason;          // the first condition that fails
};
FleqControllerBound fleq_controller_bound(const FleqLoopConstants& k, double u);

}  // namespace loopcert::bounds
