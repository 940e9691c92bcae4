#include "bounds/precision.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <mpfi.h>
#include <mpfr.h>

#include "bounds/detail/lemma_intervals.hpp"
#include "bounds/format_range.hpp"

namespace loopcert::bounds {

int significant_bits(const Rational& q) {
  if (q == 0) return 0;
  const BigInt num = abs(boost::multiprecision::numerator(q));
  const BigInt den = boost::multiprecision::denominator(q);
  // dyadic: the (reduced) denominator is a power of two
  if (boost::multiprecision::msb(den) != boost::multiprecision::lsb(den)) return -1;
  const unsigned low = boost::multiprecision::lsb(num);  // num is odd unless den == 1
  return static_cast<int>(boost::multiprecision::msb(num) - low) + 1;
}

namespace {
template <class Fn>
void for_each_weight(const LoopSpec& loop, Fn&& fn) {
  for (const auto& l : loop.layers) {
    for (const auto& h : l.heads) {
      for (const auto& e : h.query.entries) fn(e.value);
      for (const auto& e : h.key.entries) fn(e.value);
      for (const auto& e : h.value.entries) fn(e.value);
    }
    for (const auto& e : l.ffn.w1.entries) fn(e.value);
    for (const auto& b : l.ffn.b1) fn(b);
    for (const auto& e : l.ffn.w2.entries) fn(e.value);
    for (const auto& [row, b] : l.ffn.b2) fn(b);
  }
}

const LayerSpec& layer_named(const LoopSpec& loop, const std::string& name) {
  for (const auto& l : loop.layers)
    if (l.name == name) return l;
  throw std::invalid_argument("loop_budget: the loop has no layer '" + name + "' (not the SUBLEQ loop of compile_subleq)");
}
}  // namespace

int max_weight_bits(const LoopSpec& loop) {
  int widest = 0;
  for_each_weight(loop, [&](const Rational& q) {
    const int b = significant_bits(q);
    widest = (b < 0 || widest < 0) ? -1 : std::max(widest, b);
  });
  return widest;
}

double max_weight_magnitude(const LoopSpec& loop) {
  double top = 0;
  for_each_weight(loop, [&](const Rational& q) { top = std::max(top, std::abs(to_double(q))); });
  return top;
}

LoopRounding loop_rounding(const LoopSpec& loop, double u) {
  LoopRounding r;
  r.u = u;
  r.fetch = ffn_rounding(layer_named(loop, "fetch"), u, 2);
  r.operands = ffn_rounding(layer_named(loop, "operands"), u, 2);
  r.arithmetic = ffn_rounding(layer_named(loop, "arithmetic"), u, 2);
  r.arithmetic_total = ffn_rounding_total(layer_named(loop, "arithmetic"), u, 2);
  r.write = ffn_rounding(layer_named(loop, "write"), u, 2);
  r.branch = ffn_rounding(layer_named(loop, "branch"), u, 2);
  r.next = r.arithmetic;  // every row of a layer at once: the same bounds
  r.memory = r.branch;
  r.weight_bits = max_weight_bits(loop);
  r.max_weight = max_weight_magnitude(loop);
  r.exp = exp_model_for_unit_roundoff(u);
  r.layers = loop.layers;
  return r;
}

LoopBudget loop_budget(const LoopSpec& loop, int n, int L, int N, double lambda, double u, const LoopConstants& k,
                       int precision_bits, double max_finite) {
  return loop_budget(loop_rounding(loop, u), n, L, N, lambda, k, precision_bits, max_finite);
}

LoopBudget loop_budget(const LoopRounding& rounding, int n, int L, int N, double lambda, const LoopConstants& k, int precision_bits,
                       double max_finite) {
  return loop_budget(rounding, n, L, N, LambdaRange{lambda, lambda}, k, precision_bits, max_finite);
}

LoopBudget loop_budget(const LoopRounding& rounding, int n, int L, int N, const LambdaRange& lambda_range, const LoopConstants& k,
                       int precision_bits, double max_finite) {
  return loop_budget(rounding, generic_shape(n, L), N, lambda_range, k, precision_bits, max_finite);
}

// The format's hypotheses: every weight representable, and (C0') the range hypothesis
// (proofs/README.md): every value the loop computes from a state of entries |x| <= 2
// stays below the largest finite value. Empty when they hold, else the reason.
static std::string format_hypothesis(const LoopRounding& rounding, int n, const LambdaRange& lambda_range, int precision_bits,
                                     double max_finite) {
  if (rounding.weight_bits < 0 || rounding.weight_bits > precision_bits)
    return "weights not representable: the widest needs " + std::to_string(rounding.weight_bits) + " bits, the format has " +
           std::to_string(precision_bits);
  if (rounding.max_weight > max_finite) return "a weight exceeds the format's largest finite value";
  if (!std::isfinite(max_finite)) return "";
  FormatLimits f;
  f.name = "the " + std::to_string(precision_bits) + "-bit format";
  f.precision = precision_bits;
  f.max_finite = max_finite;
  f.u = rounding.u;
  for (const auto& layer : rounding.layers) {
    const double l = layer.scale == ScoreScale::RunTemperature ? lambda_range.hi : abs_up(layer.lambda);
    const RangeCheck range = layer_values_range(layer, l, 2, n, f);
    if (!range.holds) return range.reason;
  }
  return "";
}

LoopBudget loop_budget(const LoopRounding& rounding, const LoopShape& shape, int N, const LambdaRange& lambda_range, const LoopConstants& k,
                       int precision_bits, double max_finite) {
  using detail::Interval;
  const int n = shape.n, L = shape.L;
  const Interval lambda(lambda_range.lo, lambda_range.hi);
  const Interval eta = rounding.exp.has_absolute ? Interval::pow2(rounding.exp.absolute_log2) : Interval(0);
  // Every sum of bounds below is rounded up (add_up): the budget is never below the exact one.
  // A read's copy: the exact part with the pointer's and the sources' noise apart
  // (read.md, Lemma 2'), the rounding at the larger of the two.
  auto attention = [&](double pointer, double source) {
    return add_up(detail::read_attention_tight(shape, lambda, pointer, source).upper(),
                  detail::rounding_attention(n, L, lambda, rounding.u, std::max(pointer, source), rounding.exp.units, eta).upper());
  };
  auto attention_rounding = [&](double delta) {
    return detail::rounding_attention(n, L, lambda, rounding.u, delta, rounding.exp.units, eta).upper();
  };
  LoopBudget b;
  auto fail = [&](const std::string& why) {
    b.holds = false;
    b.failing = why;
    return b;
  };
  if (precision_bits > 0) {
    b.weight_bits = rounding.weight_bits;
    const std::string why = format_hypothesis(rounding, shape.n, lambda_range, precision_bits, max_finite);
    if (!why.empty()) return fail(why);
  }
  const double e_s = k.snap, e = k.threshold, C = k.write_gate;
  // The lemma-specific bounds took their inputs within these thresholds (C2, C3, C4 below).
  if (rounding.lemma_specific && (rounding.constants.snap != e_s || rounding.constants.threshold != e))
    throw std::invalid_argument("loop_budget: the rounding was computed for other snap/correct thresholds");

  const double r_fetch = rounding.fetch, r_operands = rounding.operands, r_arith = rounding.arithmetic, r_write = rounding.write,
               r_branch = rounding.branch;

  // Outputs that do not depend on the incoming state error (given the thresholds hold):
  // the snapped copies, the corrected pc, and what the arithmetic makes of them.
  b.snapped = r_fetch;                                 // ins_a/b/c after the fetch's snap; pc after correct(pc)
  b.operands = r_operands;                             // val_a/val_b after the operands' snap
  b.diff = add_up(subtract_output(N, b.operands), r_arith);  // diff bits
  b.next = add_up(increment_output(L, b.snapped), rounding.next);  // pc + 1 bits (from the corrected pc)
  // The flag adds the N bits' errors (flag.md, "Per bit"): each bit's own bound, summed
  // (subtract.md, "Per bit"; the arithmetic layer's rounding summed over its rows), not N
  // times the largest.
  b.diff_sum = add_up(subtract_output_sum(N, b.operands), rounding.arithmetic_total);
  b.flag = add_up(flag_output_sum(b.diff_sum), r_write);
  b.rho_pc = add_up(branch_output(std::max(b.snapped, b.next), b.flag), r_branch);
  b.rho_mem = rounding.memory;                         // correct(mem): every cell within e comes out within it
  if (!std::isfinite(b.diff)) return fail("subtract: the adder's amplified operand error 2^N * " + std::to_string(b.operands) + " reaches 1");
  if (!std::isfinite(b.next)) return fail("increment: the pc error reaches 2^-L");
  if (!std::isfinite(b.flag)) return fail("flag: the diff bits' errors summed reach 1");
  if (!std::isfinite(b.rho_pc)) return fail("branch: the selected pointer's error reaches 1");

  // Conditions at the steady state (the first loop, from an exact state, is dominated).
  if (b.rho_pc > e) return fail("pc after branch exceeds the correction threshold");
  if (b.rho_mem > e) return fail("memory after correct exceeds the correction threshold");
  b.fetch_read = attention(b.rho_pc, 0);  // the fetch's sources (cmd_*) are exact
  if (!(b.fetch_read <= e_s)) return fail("fetch: the instruction copy exceeds the snap threshold");
  b.operand_read = attention(b.snapped, b.rho_mem);  // pointers ins_a/b snapped, sources the memory
  if (!(b.operand_read <= e_s)) return fail("operands: the operand copy exceeds the snap threshold");
  const double d4 = std::max({b.snapped, b.diff, b.rho_mem});
  // write.md, Lemma 2: pointer ins_b (snapped), source diff, old cells the memory.
  const detail::WriteNoise noise{b.snapped, b.diff, b.rho_mem};
  b.written = add_up(add_up(detail::write_output_tight(shape, lambda, noise, C).upper(), mul_up(add_up(2 * C, 2), attention_rounding(d4))), r_write);
  if (!(b.written <= e)) return fail("write: the written cell exceeds the correction threshold");
  b.holds = true;
  return b;
}

double rounded_lambda(const Rational& lambda, int precision_bits) {
  if (precision_bits <= 0) return to_double(lambda);
  mpfr_t x;
  mpfr_init2(x, std::max(precision_bits, 2));
  mpfr_set_q(x, lambda.backend().data(), MPFR_RNDN);
  const double d = mpfr_get_d(x, MPFR_RNDN);
  mpfr_clear(x);
  return d;
}

LambdaRange lambda_at_precision(const Rational& lambda, int precision_bits) {
  const int bits = significant_bits(lambda);
  const double nearest = to_double(lambda);
  if (bits >= 0 && bits <= std::min(precision_bits, 53) && Rational(nearest) == lambda) return {nearest, nearest};
  using detail::Interval;
  mpfi_t q;
  mpfi_init2(q, Interval::kBits);
  mpfi_set_q(q, lambda.backend().data());
  if (precision_bits > 0) {  // |fl_P(lambda) - lambda| <= |lambda| 2^-P
    mpfi_t rel;
    mpfi_init2(rel, Interval::kBits);
    mpfi_interv_si(rel, -1, 1);
    mpfi_mul_2si(rel, rel, -precision_bits);
    mpfi_add_ui(rel, rel, 1);
    mpfi_mul(q, q, rel);
    mpfi_clear(rel);
  }
  LambdaRange r{mpfr_get_d(&q->left, MPFR_RNDD), mpfr_get_d(&q->right, MPFR_RNDU)};
  mpfi_clear(q);
  return r;
}

double unit_roundoff_bits(int precision_bits) {
  return std::max(std::ldexp(1.0, -precision_bits), std::numeric_limits<double>::denorm_min());
}

int predicted_bits(const LoopSpec& loop, int n, int L, int N, const Rational& lambda, const LoopConstants& k, int max_bits) {
  return predicted_bits(loop, generic_shape(n, L), N, lambda, k, max_bits);
}

namespace {
// The smallest P in [2, max_bits] with ok(P), ok monotone in P; -1 if none.
template <class Ok>
int smallest_bits(Ok&& ok, int max_bits) {
  if (!ok(max_bits)) return -1;
  int lo = 1, hi = max_bits;  // fails at lo (P = 1 is no format), holds at hi
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (ok(mid) ? hi : lo) = mid;
  }
  return hi;
}
}  // namespace

int predicted_bits(const LoopSpec& loop, const LoopShape& shape, int N, const Rational& lambda, const LoopConstants& k, int max_bits) {
  return smallest_bits(
      [&](int P) { return loop_budget(loop_rounding(loop, unit_roundoff_bits(P)), shape, N, lambda_at_precision(lambda, P), k, P).holds; },
      max_bits);
}

int predicted_bits(const LoopSpec& loop, const Layout& layout, int N, const Rational& lambda, const LoopConstants& k, int max_bits) {
  const LoopShape shape = loop_shape(layout);
  return smallest_bits(
      [&](int P) {
        return loop_budget(loop_rounding(loop, layout, unit_roundoff_bits(P), k), shape, N, lambda_at_precision(lambda, P), k, P).holds;
      },
      max_bits);
}

}  // namespace loopcert::bounds
