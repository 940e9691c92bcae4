// The precision the proofs say suffices: the loop's rounding budget (proofs/precision.md,
// the explicit form of Proposition 4 of proofs/subleq_loop.md).
//
// At unit roundoff u (P significand bits, u = 2^-P) the loop is followed layer by layer
// with the bound functions of bounds/<stem>.hpp: the attention errors of the reads and
// the write (exact part + rounding_attention), the snapped and corrected outputs
// (ffn_rounding of each layer's own weights), the adder's amplification
// (subtract_output, increment_output), flag_output and branch_output. The state error
// carried from one loop to the next (rho_mem, rho_pc) comes out of `correct` and
// `branch` and does not depend on the incoming error as long as every threshold holds,
// so one pass at the steady state decides every loop. `predicted_bits` is the smallest P
// for which every condition holds; with u = 0 the conditions reduce to loop_is_exact.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "bounds/subleq_loop.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

struct LoopBudget {
  bool holds = false;
  std::string failing;       // the first condition that fails, in words ("" when it holds)
  // Errors (absolute, against the ideal +-1 / 0 / code) at the steady state.
  double fetch_read = 0;     // fetch attention copy before the snap (<= snap)
  double operand_read = 0;   // operand attention copies before the snap (<= snap)
  double snapped = 0;        // ins_a/b/c after the snap
  double operands = 0;       // val_a/val_b after the snap
  double diff = 0;           // diff bits after the adder (the largest one bit's error)
  double diff_sum = 0;       // the diff bits' errors summed (what the flag adds up)
  double next = 0;           // pc + 1 bits
  double written = 0;        // the written cell before `correct` (<= threshold)
  double flag = 0;
  double rho_pc = 0;         // pc after branch: carried into the next loop
  double rho_mem = 0;        // memory after correct: carried into the next loop
  int weight_bits = 0;       // significant bits the widest weight needs
};

// Significant bits of a dyadic rational (odd numerator's bit length); -1 if q is not
// dyadic (then no binary format holds it exactly); 0 for q = 0.
int significant_bits(const Rational& q);
// The widest weight or bias of the loop (lambda is not counted: see loop_budget).
int max_weight_bits(const LoopSpec& loop);
// Largest |entry| of the loop's weights (for formats with a largest finite value).
double max_weight_magnitude(const LoopSpec& loop);

// The parts of the budget that do not depend on lambda: each layer's ffn_rounding at u
// and the weights' width and size (computed once when many lambdas are tried).
// Each field bounds the rounding of the rows it names (proofs/precision.md, the table).
struct LoopRounding {
  double u = 0;
  double fetch = 0;             // ins_a/b/c after the snap and pc after correct(pc): epsilon_s
  double operands = 0;          // val_a/val_b after the snap: epsilon_o
  double arithmetic = 0;        // one diff bit (the largest)
  double arithmetic_total = 0;  // the diff bits summed (what the flag adds up)
  double next = 0;              // next (pc + 1) bits
  double write = 0;             // the write layer (written cell, flag)
  double branch = 0;            // pc after the branch
  double memory = 0;            // memory after correct(mem): rho_mem
  // Lemma-specific (loop_rounding with a layout): snap, correct and adders counted on their own
  // partial sums (bounds/ffn_sums.hpp), with the snap's and correct's inputs within the
  // constants' thresholds, which loop_budget checks; `constants` are those thresholds.
  bool lemma_specific = false;
  LoopConstants constants;
  int weight_bits = 0;
  double max_weight = 0;
  ExpModel exp;  // the engine's exp (exp_model_for_unit_roundoff(u) unless set)
  // The loop's layers, for the range hypothesis at formats with a largest finite value
  // (bounds/format_range.hpp: nothing the loop computes may overflow).
  std::vector<LayerSpec> layers;
};
// Generic: ffn_rounding of each layer (every row of a layer at once; M = 2).
LoopRounding loop_rounding(const LoopSpec& loop, double u);
// Lemma-specific (proofs/precision.md): the snaps (snap_rounding), the corrections
// (correct_rounding), the adders (subtract_rounding_rows, increment_rounding) on their own
// partial sums over the inputs the budget's conditions guarantee; the write and the branch's
// pc rows by ffn_rounding. The layout names the rows; throws std::logic_error if a layer
// writes a row that none of these bounds (nor a clear) covers.
LoopRounding loop_rounding(const LoopSpec& loop, const Layout& layout, double u, const LoopConstants& k);

// The budget at unit roundoff u. lambda: the temperature as the format holds it
// (rounded_lambda: instantiate rounds lambda once, like every weight; 3.55 is not dyadic).
// precision_bits: significand bits of the format (weights
// must be representable: P >= max_weight_bits), 0 to skip that check (exact
// arithmetic). max_finite: the format's largest value (+inf for MPFR).
LoopBudget loop_budget(const LoopSpec& loop, int n, int L, int N, double lambda, double u, const LoopConstants& k,
                       int precision_bits, double max_finite = std::numeric_limits<double>::infinity());
LoopBudget loop_budget(const LoopRounding& r, int n, int L, int N, double lambda, const LoopConstants& k, int precision_bits,
                       double max_finite = std::numeric_limits<double>::infinity());

// An interval of temperatures [lo, hi] (doubles): where the lambda that a format holds lies.
struct LambdaRange {
  double lo = 0, hi = 0;
};
LoopBudget loop_budget(const LoopRounding& r, int n, int L, int N, const LambdaRange& lambda, const LoopConstants& k,
                       int precision_bits, double max_finite = std::numeric_limits<double>::infinity());
// The same with the leaks counted on a shape (the compiled layout's own codes:
// loop_shape; the (n, L) forms use generic_shape).
LoopBudget loop_budget(const LoopRounding& r, const LoopShape& shape, int N, const LambdaRange& lambda, const LoopConstants& k,
                       int precision_bits, double max_finite = std::numeric_limits<double>::infinity());

// lambda rounded to P bits (to nearest), as the nearest double (P <= 0: the nearest
// double to lambda). For P > 53 the P-bit value may not be a double: use lambda_at_precision.
double rounded_lambda(const Rational& lambda, int precision_bits);
// An interval that holds lambda rounded to nearest at P bits, nested in P (proofs/precision.md,
// "Monotone in P"): the point lambda when it is a double with at most P significant bits,
// else [lambda (1 - 2^-P), lambda (1 + 2^-P)] rounded outwards to doubles. P <= 0: lambda's
// enclosing doubles.
LambdaRange lambda_at_precision(const Rational& lambda, int precision_bits);
// The unit roundoff 2^-P as a double, 2^-1074 when that underflows (never 0 for P > 0).
double unit_roundoff_bits(int precision_bits);

// The smallest P in [2, max_bits] for which loop_budget holds at u = unit_roundoff_bits(P)
// and lambda in lambda_at_precision(lambda, P) (MPFR: no exponent limit); -1 if none. The
// budget is monotone in P (both arguments shrink), so this is a bisection.
int predicted_bits(const LoopSpec& loop, int n, int L, int N, const Rational& lambda, const LoopConstants& k, int max_bits = 4096);
int predicted_bits(const LoopSpec& loop, const LoopShape& shape, int N, const Rational& lambda, const LoopConstants& k, int max_bits = 4096);
// The same on the compiled layout: its own codes (loop_shape) and the lemma-specific rounding.
int predicted_bits(const LoopSpec& loop, const Layout& layout, int N, const Rational& lambda, const LoopConstants& k, int max_bits = 4096);

}  // namespace loopcert::bounds
