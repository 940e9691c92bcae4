// The constants of the FLEQ loop's weights. They follow from the program's declared
// `.bound`, `.intbound`, the punchcard's size n and the unit roundoff the weights are
// built for - never from the data (FLEQ.md section 4).
#pragma once
#include <array>
#include <optional>
#include <string>

#include "blocks/fleq_function.hpp"
#include "blocks/shared/params.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"
#include "isa/fleq/program.hpp"
#include "tf/layout.hpp"

namespace loopcert::compile::fleq {

// Constants set by hand instead of by the compiler (`loopcert run P.fq --product-c C
// --lambda L`, the floors' sweeps; README "FLEQ programs: floors, measured and
// predicted"). Nothing is capped or checked for them here: a format that cannot hold a
// weight they give is refused (format_limits.hpp), and the loop theorem of `run` says
// whether the loop is still certified and why not (proofs/fleq_loop.md).
struct ConstantOverrides {
  // The product's C = 2^c (product_scale_log2, tmatmul and scale); matmul's, transpose's
  // and hadamard's C move by the same factor, each keeping its ratio to its own best.
  std::optional<int> product_c_log2;
  // The read temperature (fetch, operands, flag); the write's keeps its compiled offset
  // above it (both leaks move by the same factor).
  std::optional<Rational> lambda;
  bool any() const { return product_c_log2.has_value() || lambda.has_value(); }
};

struct CompileOptions {
  // The unit roundoff of the scalar the transformer will run at: the addressing
  // temperature is chosen so that a read's softmax leak is at most `data bound * u`,
  // i.e. at the level of the scalar's own rounding (0x1p-53: double).
  double unit_roundoff = 0x1p-53;
  // The largest .intbound whose integer snap (4 K + 2 hidden units per data row) the compiler builds.
  int max_int_bound = 1024;
  // Terms of every fitted elementwise function's sum (0: compile/fleq/functions.hpp's
  // default); a program's `.terms f M` overrides it for f.
  int function_terms = 0;
  // The scalar the loop is built for (README "Emulated formats"): the temperatures are
  // rounded up to its grid, the products' C capped so that n C / 2 stays finite, and
  // compile_fleq refuses (compile/fleq/format_limits.hpp) what it cannot hold. None: the
  // constants follow from unit_roundoff alone and nothing is refused.
  std::optional<ScalarSpec> format = std::nullopt;
  // false: build the loop for `format` without refusing (analysis/formats_study_fleq.hpp
  // lists the refusals itself, compile/fleq/format_limits.hpp).
  bool refuse = true;
  ConstantOverrides overrides{};
};

// The options for a run at `scalar`: its unit roundoff and the format itself.
CompileOptions compile_options_for(const ScalarSpec& scalar);

struct FleqConstants {
  Rational data_bound;       // G' = max(.bound, .intbound, 1): every entry of every val row
  int int_bound = 0;         // K: the integer snap's range [-K, K]
  double leak_target = 0;    // eps = G' u: the per-read leak the temperatures are chosen for
  Rational read_lambda;      // fetch, operand and flag reads (bounds::fleq_read_temperature_eighths)
  Rational write_lambda;     // the write (bounds::fleq_write_temperature_eighths)
  Rational read_gate;        // fleq_read's clear, 2 G'
  Rational write_gate;       // fleq_write's C_w, 3 G'
  Rational select_gate;      // elementwise and result gates, 4 G'
  Rational flag_gate;        // fleq_flag, ceil(G') + 1 (bounds::fleq_flag_gate)
  Rational snap_gate;        // fleq_int_snap, ceil(G') + K + 2 (bounds::fleq_int_snap_gate)
  int product_scale_log2 = 0;  // the product's C = 2^c (bounds::fleq_product_best_scale for S = rows G^2)
  int transpose_scale_log2 = 0;  // bounds::fleq_transpose_best_scale (S = G)
  int hadamard_scale_log2 = 0;   // bounds::fleq_product_best_scale for one pair, S = G^2
  int matmul_scale_log2 = 0;     // bounds::fleq_matmul_best_scale (q = rows, G_A = G_B = G)
  double product_error = 0;    // bounds::fleq_product_total at that C (0 when the program has no product)
  blocks::BlockParams controller;  // the SUBLEQ controller blocks (fetch snap, correct)
  double read_error = 0;     // bounds::fleq_read_output at read_lambda (exact arithmetic)
  double write_error = 0;    // bounds::fleq_write_output at write_lambda
  // Per function the program uses (isa::fleq::Function order): its sum of sigmoids on
  // the declared range and its result gate (compile/fleq/functions.hpp).
  std::array<std::optional<blocks::FunctionFit>, isa::fleq::kFunctionCount> functions;
  ConstantOverrides overrides;  // what CompileOptions::overrides set (none: every constant is the compiler's)
};

// Throws std::invalid_argument with a reason when the constants cannot be built (e.g.
// an .intbound above options.max_int_bound, or a leak the integer cells cannot absorb).
FleqConstants fleq_constants(const isa::fleq::FleqProgram& program, const Layout& layout, const CompileOptions& options);

}  // namespace loopcert::compile::fleq
