#include "bounds/fleq_loop.hpp"

#include <algorithm>
#include <cmath>

#include "bounds/common.hpp"
#include "bounds/fleq_elementwise.hpp"
#include "bounds/fleq_flag.hpp"
#include "bounds/fleq_int_snap.hpp"
#include "bounds/fleq_matmul.hpp"
#include "bounds/fleq_product.hpp"
#include "bounds/fleq_read.hpp"
#include "bounds/fleq_transpose.hpp"
#include "bounds/fleq_write.hpp"
#include "bounds/read.hpp"
#include "bounds/rounding.hpp"

namespace loopcert::bounds {
namespace {

const LayerSpec* layer_named(const FleqLoopConstants& k, const std::string& name) {
  if (!k.loop) return nullptr;
  for (const auto& l : k.loop->layers)
    if (l.name == name) return &l;
  return nullptr;
}

double grow(double x, double slack) { return mul_up(x, add_up(1, slack)); }
double add3(double a, double b, double c) { return add_up(add_up(a, b), c); }

}  // namespace

// Lemma F of proofs/fleq_loop.md: the fetch's copy of a +-1 field is exactly +-1 in
// binary floating point (round to nearest) when the off-target weights' total
// T = (n - 1) e^(-2 lambda) (1 + c u + eta) (1 + gamma_n) is below u / 2: the softmax sum
// is 1 + (something <= T) and rounds to 1, the target's weight is exactly 1, and the
// value sum +-1 + (something < u / 2) rounds to +-1. Then the snap, the decode, the
// gates, correct, increment and branch all compute on exact small dyadic numbers.
bool fleq_fetch_copy_exact(const FleqLoopConstants& k, double u) {
  if (u == 0) return true;
  const ExpModel exp = exp_model_for_unit_roundoff(u);
  const double tiny = mul_up(std::exp(-2 * k.read_lambda), 1 + 0x1p-50);  // glibc exp: < 1 ulp
  double term = mul_up(tiny, add_up(1, mul_up(exp.units, u)));
  if (exp.has_absolute) term = add_up(term, std::ldexp(1.0, static_cast<int>(exp.absolute_log2)));
  const double T = mul_up(mul_up(k.n - 1, term), add_up(1, gamma(k.n, u)));
  return T < u / 2;
}

namespace {

// Floating point: how far a 0/1 gate (and a +-1 pointer bit) may be from its value
// (proofs/fleq_loop.md, "Controller rows in floating point"): 0 under Lemma F; otherwise
// the fetched fields are +-1 within the fetch's snap rounding (read.md, "After the
// attention": ffn_rounding of the fetch layer), decode maps them to 0/1 rows (weight 1/2)
// with its own FFN rounding, and a result gate sums up to five of them in one unit.
double gate_drift(const FleqLoopConstants& k, double u) {
  if (fleq_fetch_copy_exact(k, u)) return 0;
  const LayerSpec* fetch = layer_named(k, "fetch");
  const LayerSpec* decode = layer_named(k, "decode");
  if (!fetch || !decode) return kInfinity;
  const double eta = add_up(ffn_rounding(*fetch, u, 2), ffn_rounding(*decode, u, 2));
  return add_up(mul_up(5, eta), mul_up(8, gamma(8, u)));
}

// A temperature lowered by a pointer deviation delta: the gap 2 becomes 2 (1 - L delta),
// i.e. leak(., lambda, 2 (1 - L delta)) = leak(., lambda (1 - L delta), 2) (rounded down).
double noisy_lambda(double lambda, int L, double delta) { return sub_down(lambda, mul_up(lambda, mul_up(L, delta))); }

// fleq_read with a pointer within delta of its code: the leak at the lowered temperature
// (fleq_read_output) and the attention rounding of read.md, case B (values <= G).
double read_error(const FleqLoopConstants& k, double G, double delta, double u) {
  const double leak = fleq_read_output(k.n, noisy_lambda(k.read_lambda, k.L, delta), G);
  const double rounding = u == 0 ? 0 : delta == 0 ? fleq_read_rounding(k.n, k.L, k.read_lambda, G, u)
                                                  : mul_up(G, rounding_attention(k.n, k.L, k.read_lambda, u, delta));
  return add_up(leak, rounding);
}

// fleq_write for results and targets bounded by G (G' <= G <= 1.5 G': x = 0 off the
// memory, so the non-memory columns close), pointer deviation delta: fleq_write_output at
// the lowered temperature, the broken tie (C_w + G) lambda L delta / 2, and
// fleq_write_rounding's terms with read.md's case-B attention rounding.
double write_error(const FleqLoopConstants& k, double G, double delta, double u) {
  if (G > 1.5 * k.data_bound) return kInfinity;
  const double C = k.write_gate;
  const double exact = fleq_write_output(k.n, noisy_lambda(k.write_lambda, k.L, delta), G, C);
  const double tie = mul_up(add_up(C, G), mul_up(k.write_lambda, mul_up(k.L, delta / 2)));
  double rounding = 0;
  if (u > 0) {
    const LayerSpec* write = layer_named(k, "write");
    if (!write) return kInfinity;
    rounding = delta == 0 ? fleq_write_rounding(*write, k.n, k.L, k.write_lambda, G, C, u)
                          : add_up(mul_up(add_up(2 * C, 4 * G), rounding_attention(k.n, k.L, k.write_lambda, u, delta)),
                                   ffn_rounding(*write, u, std::max(G, 1.0)));
  }
  return add3(exact, tie, rounding);
}

// One gated pass (compile/fleq/detail/wiring.hpp) with gate constant M, input |x| <= X,
// gate within eta of 0/1: exact when eta = 0; else within M eta plus three roundings.
double pass_error(double M, double X, double eta, double u) {
  if (eta == 0) return 0;
  return add_up(mul_up(M, eta), mul_up(gamma(4, u), add_up(M, X)));
}

// The read errors carried through a sum of q products (A^T B or A B, per entry), plus the
// (rows - q) padding terms: |a^ b^ - a b| <= e (|b^| + |a|), |padding^| <= P + e.
double product_data(int q, int rows, double e, double operand, double stored, double padding) {
  const double term = mul_up(e, add_up(operand, stored));
  const double pad = add_up(padding, e);
  return add_up(mul_up(q, term), mul_up(std::max(0, rows - q), mul_up(pad, pad)));
}

}  // namespace

namespace {

// What every operation's terms are built from (proofs/fleq_loop.md, Theorem 2).
struct Operands {
  double stored = 0;     // a stored operand entry (H2): G (1 + sigma), or K for .int cells
  double e_key = 0;      // the read error plus the key stage's pass (the product families' operands)
  double operand_key = 0;  // |key| <= stored + e_key
};

// Theorem 2's data term D and block term O for the operation (the table of the note).
void operation_terms(const FleqLoopConstants& k, const FleqInstructionShape& s, const Operands& o, double u, FleqInstructionBound& b) {
  const int R = k.rows, n = k.n;
  const double a = o.operand_key;
  switch (s.op) {
    case FleqBoundOp::add:
    case FleqBoundOp::sub:
      b.data = mul_up(2, b.read);
      b.rounding = add_up(fleq_elementwise_rounding(b.operand, u, false), b.pass);  // the units are gated by sel_*
      break;
    case FleqBoundOp::copy:
      b.data = b.read;
      b.rounding = b.pass;
      break;
    case FleqBoundOp::scale:  // keys +-s e_l, queries B: fleq_product with the score s b_l, |s b_l| <= a^2
      b.data = mul_up(o.e_key, add_up(b.operand, o.stored));
      b.operation = fleq_product_total(R, R, mul_up(a, b.operand), n, std::ldexp(1.0, k.product_scale_log2), u);
      break;
    case FleqBoundOp::tmatmul:  // A (q x p), B (q x r): the shared dimension is A's rows
      b.data = product_data(s.a_rows, R, o.e_key, a, o.stored, b.padding);
      b.operation = fleq_product_total(R, R, fleq_product_score_bound(R, a, b.operand), n, std::ldexp(1.0, k.product_scale_log2), u);
      break;
    case FleqBoundOp::matmul:  // A (p x q), B (q x r): the shared dimension is A's columns
      b.data = product_data(s.a_cols, R, o.e_key, a, o.stored, b.padding);
      b.operation = fleq_matmul_total(R, a, b.operand, n, std::ldexp(1.0, k.matmul_scale_log2), u);
      break;
    case FleqBoundOp::transpose:
      b.data = o.e_key;
      b.operation = fleq_transpose_total(R, R, a, n, std::ldexp(1.0, k.transpose_scale_log2), u);
      break;
    case FleqBoundOp::hadamard: {  // one live pair per query column, 2w value terms (the note, "hadamard")
      b.data = mul_up(o.e_key, add_up(a, o.stored));
      const double S = mul_up(a, add_up(o.stored, o.e_key));
      const double C = std::ldexp(1.0, k.hadamard_scale_log2);
      b.operation = add_up(fleq_product_exact(1, S, n, C), fleq_matmul_rounding(k.width, 1, S, n, C, u));
      break;
    }
    case FleqBoundOp::function:  // function_terms
      break;
  }
}

// An elementwise function (proofs/fleq_loop.md, "The elementwise functions"): the heads
// read the operand A as fleq_read left it (within b.read of the stored x*, which the
// machine keeps in the declared range), so fleq_function's bound with input_error =
// b.read is |res - f(x*)|; its result gate is a 0/1 row only under Lemma F (no drift).
// Returns why the term is infinite, or an empty string.
std::string function_terms(const FleqLoopConstants& k, const FleqInstructionShape& s, double u, FleqInstructionBound& b) {
  if (s.function < 0 || s.function >= static_cast<int>(k.functions.size()) || !(k.functions[static_cast<std::size_t>(s.function)].approximation < kInfinity))
    return "elementwise function: no certified fit error E_w given (FleqLoopConstants::functions)";
  if (b.drift > 0) return "elementwise function: its result gate is exact only under Lemma F (the fetch's copy exact); the drift regime is not covered";
  FleqFunctionInputs in = k.functions[static_cast<std::size_t>(s.function)];
  in.input_error = b.read;
  if (!(in.input_error <= in.margin)) return "elementwise function: the read error exceeds the fit's margin w (fleq_function's hypothesis delta <= w fails)";
  const RoundingModel model{"", u, u == 0 ? 0.0 : k.underflow, k.max_finite};
  b.operation = fleq_function_total(in, model);
  return b.operation < kInfinity ? "" : "elementwise function: fleq_function's bound is infinite (Theorem 3 of the sigmoid lemma: overflow or gamma)";
}

// H5: the largest entry a gated-off product family may hold and still be gated off
// exactly: the select gate less that family's own error and its read term.
void cross_terms(const FleqLoopConstants& k, const Operands& o, double u, FleqInstructionBound& b) {
  const int R = k.rows, n = k.n;
  const double a = o.operand_key;
  const double family = std::max({fleq_product_total(R, R, fleq_product_score_bound(R, a, b.operand), n, std::ldexp(1.0, k.product_scale_log2), u),
                                  fleq_matmul_total(R, a, b.operand, n, std::ldexp(1.0, k.matmul_scale_log2), u),
                                  fleq_transpose_total(R, R, a, n, std::ldexp(1.0, k.transpose_scale_log2), u)});
  b.cross_limit = sub_down(sub_down(k.select_gate, family), product_data(R, R, o.e_key, a, o.stored, 0));
  const double stored_real = grow(k.real_bound, k.stored_slack);
  b.cross_implied = mul_up(R, mul_up(stored_real, stored_real)) <= b.cross_limit;
}

}  // namespace

FleqInstructionBound fleq_instruction_bound(const FleqLoopConstants& k, const FleqInstructionShape& s, double u) {
  FleqInstructionBound b;
  b.drift = gate_drift(k, u);
  const double G_all = grow(k.data_bound, k.stored_slack);  // every stored val entry (H2)
  Operands o;
  o.stored = s.int_result ? static_cast<double>(std::max(k.int_bound, 1)) : grow(k.real_bound, k.stored_slack);
  b.read = read_error(k, G_all, b.drift, u);
  b.operand = add_up(o.stored, b.read);
  // H3: a padding entry is a written 0, by a write whose result bound is at most 1.5 G'.
  b.padding = write_error(k, 1.5 * k.data_bound, b.drift, u);
  b.pass = pass_error(k.select_gate, mul_up(k.rows, mul_up(b.operand, b.operand)), b.drift, u);
  o.e_key = add_up(b.read, b.pass);  // product_keys is one gated pass
  o.operand_key = add_up(o.stored, o.e_key);
  std::string function_reason;
  if (s.op == FleqBoundOp::function) function_reason = function_terms(k, s, u, b);
  else operation_terms(k, s, o, u, b);
  if (!function_reason.empty()) {
    b.total = kInfinity;
    b.reason = function_reason;
    return b;
  }
  // The result select is one more gated pass (res); then the write, at the result's bound.
  b.rounding = add_up(b.rounding, b.pass);
  b.before_write = add3(b.data, b.operation, b.rounding);
  const double result_bound = s.int_result ? static_cast<double>(k.int_bound) : k.real_bound;
  b.write = write_error(k, std::max(G_all, add_up(result_bound, b.before_write)), b.drift, u);
  b.total = add_up(b.before_write, b.write);
  cross_terms(k, o, u, b);
  if (!(b.total < kInfinity)) {
    // NaN (an infinite term times 0, at a format whose constants overflow) is no bound
    // either: report it as infinite, never as a number an observation could exceed.
    b.total = kInfinity;
    b.reason = "a block's hypothesis fails (a bound is infinite: the write gate, n < 2 rows, or the temperature)";
  }
  return b;
}

FleqControllerBound fleq_controller_bound(const FleqLoopConstants& k, double u) {
  FleqControllerBound c;
  const double eta = gate_drift(k, u);
  // The fetch: SUBLEQ's read with a pointer (pc, corrected every loop) within eta.
  c.fetch_attention = add_up(read_attention(k.n, k.L, k.read_lambda, eta), u == 0 ? 0 : rounding_attention(k.n, k.L, k.read_lambda, u, eta));
  c.fetch_exact = c.fetch_attention <= k.fetch_snap && read_output(k.n, k.L, k.read_lambda, eta, k.fetch_snap, k.fetch_gate) == 0;
  // An .int result: two reads of .int operands, one rounding of the add (u |a +- b|), the
  // write (results within K + 1/4), then the snap; the flag reads the written value once more.
  const double G_all = grow(k.data_bound, k.stored_slack);
  const double e = read_error(k, G_all, eta, u);
  const double K = std::max(k.int_bound, 1);
  const double passes = mul_up(2, pass_error(k.select_gate, 2 * K, eta, u));
  const double before = add3(mul_up(2, e), fleq_elementwise_rounding(add_up(K, e), u, false), passes);
  c.int_error = add_up(before, write_error(k, std::max(G_all, add_up(K, before)), eta, u));
  c.flag_error = add_up(c.int_error, e);
  // fleq_int_snap's gate must exceed |x| + K off the .int columns (x within G' (1 + sigma)).
  c.snap_exact = c.int_error <= 0.25 && fleq_int_snap_rounding(k.int_bound, k.snap_gate, u) == 0 && k.snap_gate > add_up(G_all, k.int_bound);
  c.flag_exact = c.flag_error <= 0.25 && fleq_flag_rounding(add_up(K, 0.25), k.flag_gate, u) == 0;
  if (!c.fetch_exact) c.reason = "the fetch's copy may leave the snap threshold";
  else if (!c.snap_exact) c.reason = "an .int entry may be 1/4 or more from its integer before the snap";
  else if (!c.flag_exact) c.reason = "the flag cell may be read 1/4 or more from its integer";
  return c;
}

}  // namespace loopcert::bounds
