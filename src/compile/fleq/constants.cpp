#include "compile/fleq/constants.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "bounds/fleq_elementwise.hpp"
#include "bounds/fleq_flag.hpp"
#include "bounds/fleq_int_snap.hpp"
#include "bounds/fleq_matmul.hpp"
#include "bounds/fleq_product.hpp"
#include "bounds/fleq_transpose.hpp"
#include "bounds/fleq_read.hpp"
#include "bounds/fleq_write.hpp"
#include "bounds/read.hpp"
#include "compile/fleq/format_limits.hpp"
#include "compile/fleq/functions.hpp"
#include "core/scalar_facts.hpp"
#include "compile/fleq/layout.hpp"

namespace loopcert::compile::fleq {

CompileOptions compile_options_for(const ScalarSpec& scalar) {
  CompileOptions o;
  o.unit_roundoff = scalar_facts(scalar).unit_roundoff;
  o.format = scalar;
  return o;
}

namespace {

// The integer snap's cost, refused above options.max_int_bound with what it would take.
void check_int_bound_limit(const isa::fleq::FleqProgram& program, const Layout& layout, const CompileOptions& options) {
  if (program.int_bound > options.max_int_bound) {
    // The staircase of blocks/fleq_int_snap.hpp: 4 K + 2 units (3 weights each) per data row.
    const BigInt K = numerator(program.int_bound);
    const BigInt units = (4 * K + 2) * layout.block("val").size;
    throw std::invalid_argument(".intbound " + to_string(program.int_bound) + ": the integer snap (blocks/fleq_int_snap.hpp) needs 4 K + 2 hidden units per data row, " +
                                units.str() + " units (" + BigInt(3 * units).str() + " weights) for this program's " + std::to_string(layout.block("val").size) +
                                " data row(s), in every loop; the compiler builds it for K <= " + std::to_string(options.max_int_bound) +
                                " (README \"The FLEQ transformer (construction)\", \"Emulated formats\")");
  }
}

// n C / 2 (times G for matmul's values) must stay finite in the format: each C at most the largest such power of two.
void cap_product_scales(FleqConstants& c, int n, double G, const ScalarFacts& f) {
  const int cap = largest_product_scale_log2(n, 1, f);
  c.product_scale_log2 = std::min(c.product_scale_log2, cap);
  c.hadamard_scale_log2 = std::min(c.hadamard_scale_log2, cap);
  c.transpose_scale_log2 = std::min(c.transpose_scale_log2, cap);
  c.matmul_scale_log2 = std::min(c.matmul_scale_log2, largest_product_scale_log2(n, G, f));
}

// CompileOptions::overrides on the compiler's constants: every product family moved by
// the same factor, the write temperature by the read's change (at least to the read's).
void apply_overrides(FleqConstants& c, const ConstantOverrides& o) {
  c.overrides = o;
  if (o.product_c_log2) {
    const int shift = *o.product_c_log2 - c.product_scale_log2;
    for (int* s : {&c.product_scale_log2, &c.transpose_scale_log2, &c.hadamard_scale_log2, &c.matmul_scale_log2}) *s += shift;
  }
  if (o.lambda) {
    c.write_lambda = *o.lambda + std::max(Rational(0), Rational(c.write_lambda - c.read_lambda));
    c.read_lambda = c.controller.lambda = *o.lambda;
  }
}

}  // namespace

FleqConstants fleq_constants(const isa::fleq::FleqProgram& program, const Layout& layout, const CompileOptions& options) {
  FleqConstants c;
  if (denominator(program.int_bound) != 1 || program.int_bound < 0)
    throw std::invalid_argument(".intbound " + to_string(program.int_bound) + " is not a non-negative integer");
  check_int_bound_limit(program, layout, options);
  c.int_bound = static_cast<int>(numerator(program.int_bound));
  c.data_bound = std::max({program.bound, program.int_bound, Rational(1)});
  const double G = to_double(c.data_bound);
  const int n = layout.columns();
  const double u = std::max(options.unit_roundoff, 0x1p-900);
  // At the scalar's rounding level, but never above 2^-6: the .int cells absorb a read
  // and a write leak of at most 1/32 each (the check at the end), whatever the format.
  c.leak_target = std::min(G * u, 0x1p-6);
  // On the format's grid, rounded up (a larger temperature only lowers the leak).
  const int precision = options.format ? scalar_facts(*options.format).precision : 0;
  c.read_lambda = Rational(eighths_rounded_up(bounds::fleq_read_temperature_eighths(n, G, c.leak_target), precision), 8);
  c.write_lambda = Rational(eighths_rounded_up(bounds::fleq_write_temperature_eighths(n, G, c.leak_target), precision), 8);
  c.read_gate = 2 * c.data_bound;   // bounds::fleq_read_gate
  c.write_gate = 3 * c.data_bound;  // bounds::fleq_write_gate
  c.select_gate = 4 * c.data_bound; // bounds::fleq_elementwise_gate
  c.flag_gate = Rational(static_cast<long>(bounds::fleq_flag_gate(G)));
  c.snap_gate = Rational(static_cast<long>(bounds::fleq_int_snap_gate(G, c.int_bound)));
  c.controller.lambda = c.read_lambda;
  // The product's scale from the declared .bound of real cells (products never meet .int
  // cells), the row count and n; never the data.
  int rows = 1;
  for (const auto& cell : program.cells) rows = std::max(rows, cell.shape.rows);
  // The result select passes the product families through gates of this constant too: a
  // gated-off family (A B beside tmatmul, A^T B beside matmul) reaches rows G^2 and must
  // stay below it (proofs/fleq_loop.md, hypothesis H5).
  const bool products = std::any_of(program.instructions.begin(), program.instructions.end(), [](const isa::fleq::Instruction& in) {
    return in.op == isa::fleq::Op::tmatmul || in.op == isa::fleq::Op::matmul || in.op == isa::fleq::Op::transpose;
  });
  if (products) c.select_gate = std::max(c.select_gate, 2 * Rational(rows) * program.bound * program.bound);
  const double S = bounds::fleq_product_score_bound(rows, to_double(program.bound), to_double(program.bound));
  const double u_product = options.unit_roundoff > 0 ? options.unit_roundoff : 0x1p-200;
  c.product_scale_log2 = bounds::fleq_product_best_scale(rows, rows, S, n, u_product);
  c.matmul_scale_log2 = bounds::fleq_matmul_best_scale(rows, to_double(program.bound), to_double(program.bound), n, u_product);
  const double G2 = to_double(program.bound) * to_double(program.bound);
  c.hadamard_scale_log2 = bounds::fleq_product_best_scale(rows, 1, G2 * bounds::kProductRoundUp, n, u_product);
  c.transpose_scale_log2 = bounds::fleq_transpose_best_scale(rows, rows, to_double(program.bound), n, u_product);
  if (options.format) cap_product_scales(c, n, to_double(program.bound), scalar_facts(*options.format));
  apply_overrides(c, options.overrides);
  c.product_error = std::max(bounds::fleq_product_total(rows, rows, S, n, std::ldexp(1.0, c.product_scale_log2), u_product),
                             bounds::fleq_matmul_total(rows, to_double(program.bound), to_double(program.bound), n,
                                                       std::ldexp(1.0, c.matmul_scale_log2), u_product));
  const Geometry g = geometry(program);
  for (int k = 0; k < isa::fleq::kFunctionCount; ++k) {
    if (g.function_rows[static_cast<std::size_t>(k)] == 0) continue;
    const auto f = static_cast<isa::fleq::Function>(k);
    const auto& range = program.range(f);
    if (!range) throw std::invalid_argument(std::string(isa::fleq::function_name(f)) + " is used without a range");
    try {
      const int declared = program.terms[static_cast<std::size_t>(k)];  // `.terms f M` wins over the option
      c.functions[static_cast<std::size_t>(k)] = fleq_function_fit(f, *range, declared > 0 ? declared : options.function_terms, n, u_product);
    } catch (const std::invalid_argument& e) {  // name the first instruction that needs the block
      int line = 0;
      for (const auto& in : program.instructions)
        if (isa::fleq::is_function(in.op) && isa::fleq::function_of(in.op) == f && line == 0) line = in.line;
      throw std::invalid_argument(program.source + ":" + std::to_string(line) + ": '" + isa::fleq::function_name(f) + "' has no block: " + e.what());
    }
  }
  c.read_error = bounds::fleq_read_output(n, to_double(c.read_lambda), G);
  c.write_error = bounds::fleq_write_output(n, to_double(c.write_lambda), G, to_double(c.write_gate));
  // The fetch snaps its copy when the leak is below the snap threshold (proofs/read.md).
  // A temperature set by hand is judged by run's loop theorem instead (not refused).
  if (options.overrides.lambda) return c;
  if (!(bounds::read_attention(n, layout.address_bits(), to_double(c.read_lambda), 0) <= to_double(c.controller.snap) / 2))
    throw std::invalid_argument("the fetch temperature does not reach the read's snap threshold");
  // An .int result is the sum of two operands, each a stored value (write error) read
  // once more (read error); fleq_int_snap and fleq_flag are exact within 1/4.
  if (!(2 * (c.read_error + c.write_error) <= 1.0 / 8))
    throw std::invalid_argument("the read and write leaks do not stay below the integer snap's 1/4");
  return c;
}

}  // namespace loopcert::compile::fleq
