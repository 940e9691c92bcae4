// Lemma `fleq_function` (proofs/fleq_function.md): FLEQ's elementwise functions (sigmoid,
// exp, recip, sqrt, rsqrt) from the sigmoid lemma (blocks/sigmoid.hpp, proofs/sigmoid.md)
// on the FLEQ punchcard.
//
// A function f on its declared range is a sum g(x) = c0 + sum_j c_j sigma(a_j x + b_j)
// (sigmoid itself: one term, a = c = 1, b = c0 = 0; the others fitted, approx/function_fit.hpp).
// Term j of data row i is one head at lambda = 1 with key dimension 1: the query is the
// score a_j x_i + b_j (x_i the operand row i, b_j on the `one` row), the key is the
// anchor indicator, the value writes c_j anchor into out row i. The punchcard has an
// even number n of columns and the anchor row is 1 on exactly n/2 of them, so every
// query column sees n/2 anchors scoring z and n/2 fillers scoring 0 (itself included):
// the anchors' weight is exactly sigma(z) (Theorem 1 with A = F = n/2), with exact
// rational weights, no compensation bias and no leak. One softmax gives one sigmoid per
// query column, so a k-row operand needs one head per (term, row): m R heads.
//
// The constant c0 is not an FFN bias here (the result is gated in the same layer's FFN,
// which sees the heads' rows before any bias): add_function_result adds
// gate (out + c0) to the result row, exactly for a 0/1 gate: the gated pass of out
// (|out| <= sum |c_j| < M) and c0 relu(gate). M comes from the weights, never the data.
//
// Reads:  inputs (at least R rows; row i < R is used), one, anchor. Writes: out (R rows,
//         zero before the layer).
#pragma once
#include <cmath>
#include <string>

#include "approx/function.hpp"
#include "approx/sigmoid_sum.hpp"
#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"

namespace loopcert::blocks {

// One elementwise function's sum, what it approximates, and its gate.
struct FunctionFit {
  std::string name;        // "recip"
  approx::Univariate f;    // the function on its declared range
  approx::SigmoidSum sum;  // g = c0 + sum_j c_j sigma(a_j x + b_j), exact rational weights
  Rational gate;           // M >= 2 (sum_j |c_j| + |c0|) (function_gate)
};

// The magnitudes of a sum that its bounds need (bounds/fleq_function.hpp takes them as numbers).
struct FunctionMagnitudes {
  double sum_c = 0;        // sum |c_j|
  double sum_c_score = 0;  // sum |c_j| (|a_j| U + |b_j|), U = input_abs
  double max_score = 0;    // max |a_j| U + |b_j|
  double max_weight = 0;   // max |a_j|, |b_j|, |c_j|, |c0|
  double c0 = 0;           // |c0|
  double lipschitz = 0;    // sup |g'| <= sum |c_j a_j| / 4
};
inline FunctionMagnitudes function_magnitudes(const approx::SigmoidSum& sum, double input_abs) {
  FunctionMagnitudes m;
  m.c0 = std::abs(to_double(sum.c0));
  m.max_weight = m.c0;
  for (const approx::Term& t : sum.terms) {
    const double a = std::abs(to_double(t.a)), b = std::abs(to_double(t.b)), c = std::abs(to_double(t.c));
    m.sum_c += c;
    m.sum_c_score += c * (a * input_abs + b);
    m.max_score = std::max(m.max_score, a * input_abs + b);
    m.max_weight = std::max({m.max_weight, a, b, c});
    m.lipschitz += c * a / 4;
  }
  // The doubles above are within a few ulps of the rationals; 1e-12 covers them.
  for (double* v : {&m.sum_c, &m.sum_c_score, &m.max_score, &m.max_weight, &m.c0, &m.lipschitz}) *v *= 1 + 1e-12;
  return m;
}

// M = 2 (floor(sum |c_j| + |c0|) + 1), an integer at least twice any |out + c0|: in a
// scalar that rounds M (float for M > 2^24) the rounded M still exceeds |out|, and -M and
// M g round to the same value, so the pass stays exact.
inline Rational function_gate(const approx::SigmoidSum& sum) {
  Rational s = sum.c0 < 0 ? Rational(-sum.c0) : sum.c0;
  for (const approx::Term& t : sum.terms) s += t.c < 0 ? Rational(-t.c) : t.c;
  return 2 * (Rational(boost::multiprecision::numerator(s) / boost::multiprecision::denominator(s)) + 1);
}

struct FunctionPlan {
  std::string name;    // head names are name[j,i]: term j, row i
  std::string inputs;  // >= R rows: x_i on the query columns
  std::string one;     // 1 on the query columns: carries b_j
  std::string anchor;  // 1 on exactly half of the (even number of) columns, 0 elsewhere
  std::string out;     // R rows, zero before the layer
  approx::SigmoidSum sum;
};

// m R heads at lambda = 1 (ScoreScale::Fixed): out_i = sum_j c_j sigma(a_j x_i + b_j), i < R.
inline LayerSpec fleq_function(const Layout& layout, const FunctionPlan& plan) {
  const RowBlock& in = layout.block(plan.inputs);
  const RowBlock& out = layout.block(plan.out);
  if (in.size < out.size)
    throw LayoutError(plan.name + ": inputs '" + in.name + "' have fewer rows than the output '" + out.name + "'");
  if (layout.columns() % 2 != 0)
    throw LayoutError(plan.name + ": the anchors need an even number of columns (got " + std::to_string(layout.columns()) + ")");
  if (plan.sum.terms.empty()) throw LayoutError(plan.name + ": a sum of sigmoids needs at least one term");
  LayerSpec layer(plan.name, layout.rows());
  layer.lambda = 1;
  layer.scale = ScoreScale::Fixed;
  const int one = layout.row(plan.one), anchor = layout.row(plan.anchor);
  for (int i = 0; i < out.size; ++i)
    for (std::size_t j = 0; j < plan.sum.terms.size(); ++j) {
      const approx::Term& t = plan.sum.terms[j];
      HeadSpec& head = layer.add_head(plan.name + "[" + std::to_string(j) + "," + std::to_string(i) + "]", 1);
      head.query.add(0, in.row(i), t.a);
      head.query.add(0, one, t.b);
      head.key.add(0, anchor, 1);
      head.value.add(out.row(i), anchor, t.c);
    }
  layer.reads = {plan.inputs, plan.one, plan.anchor};
  layer.writes = {plan.out};
  layer.blocks = {plan.name};
  return layer;
}

// res += gate (value + c0) for a 0/1 gate and |value| < M: relu(-M + M g + x) -
// relu(-M + M g - x) (the large terms first: they cancel exactly for g = 1, and g = 0
// gives exactly 0) and c0 relu(g). Three units of the layer that reads `value`.
inline void add_function_result(FfnSpec& ffn, int value, int gate, int res, const Rational& c0, const Rational& M) {
  for (const int s : {1, -1}) ffn.add_output(res, ffn.add_unit(-M, {{gate, M}, {value, s}}), s);
  if (c0 != 0) ffn.add_output(res, ffn.add_unit(0, {{gate, 1}}), c0);
}

}  // namespace loopcert::blocks
