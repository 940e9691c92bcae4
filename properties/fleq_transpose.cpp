// Lemma `fleq_transpose` (proofs/fleq_transpose.md): the product head with constant
// one-hot queries gives A^T within fleq_transpose_total at float, double and mpfr:128,
// with C = fleq_transpose_best_scale(G, k, n, u) (the split into the exact and rounding
// parts is checked for the same head in fleq_product.cpp). Negative checks: a doubled value
// weight; a bound with the score bound of the wrong operand (S = 1 instead of G).
#include "blocks/fleq_transpose.hpp"
#include "bounds/fleq_transpose.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct TransposeCase {
  int q = 1, p = 1, n = 2, G = 1, c = 0;
  Matrix<Rational> A;  // q x p
  Layout layout{1, 1, 1};
  double C() const { return std::ldexp(1.0, c); }
  int output(int j) const { return 2 * p + j; }  // pairs first, then the q output columns
};

TransposeCase random_case(double u) {
  TransposeCase t;
  const int k = *rc::gen::inRange(1, 5);
  t.q = *rc::gen::inRange(1, k + 1);
  t.p = *rc::gen::inRange(1, k + 1);
  t.n = 2 * t.p + t.q + *rc::gen::inRange(0, 24);
  t.G = *rc::gen::element(1, 16, 192);
  t.A = Matrix<Rational>(t.q, t.p);
  for (int a = 0; a < t.q; ++a)
    for (int b = 0; b < t.p; ++b) t.A(a, b) = entry_within(t.G);
  t.c = bounds::fleq_transpose_best_scale(t.q, t.p, t.G, t.n, u);
  Layout layout(1, t.n - 2, 1);
  layout.add("keys", t.q);
  layout.add("offsets", t.q);
  layout.add("slots", t.p);
  layout.add("out", t.p);
  t.layout = layout;
  return t;
}

Matrix<Rational> punchcard(const TransposeCase& t) {
  const Layout& l = t.layout;
  Matrix<Rational> X = Matrix<Rational>::Zero(l.rows(), t.n);
  for (int i = 0; i < t.p; ++i)
    for (int s = 0; s < 2; ++s) {
      const int sign = s == 0 ? 1 : -1;
      for (int r = 0; r < t.q; ++r) X(l.row("keys", r), 2 * i + s) = sign * t.A(r, i);
      X(l.row("slots", i), 2 * i + s) = sign;
    }
  for (int j = 0; j < t.q; ++j) X(l.row("offsets", j), t.output(j)) = 1;
  return X;
}

LayerSpec layer_of(const TransposeCase& t) {
  return blocks::fleq_transpose(t.layout, blocks::TransposePlan{"fleq_transpose", "keys", "offsets", "slots", "out", t.c});
}

// Worst |out(i, j) - A(j, i)| over the output columns; on every other column (query 0)
// the output is exactly 0 (the pair's weights are equal).
double transpose_error(const TransposeCase& t, const LayerSpec& layer, const std::string& scalar) {
  const Matrix<Rational> Y = run_layer(layer, punchcard(t), scalar);
  double worst = 0;
  for (int col = 0; col < t.n; ++col)
    for (int i = 0; i < t.p; ++i) {
      const Rational& got = Y(t.layout.row("out", i), col);
      const int j = col - 2 * t.p;
      if (j >= 0 && j < t.q) worst = std::max(worst, abs_diff_up(got, t.A(j, i)));
      else if (got != 0) return INFINITY;
    }
  return worst;
}

void check(const std::string& scalar) {
  const double u = unit_roundoff_of(scalar);
  const TransposeCase t = random_case(u);
  const double err = transpose_error(t, layer_of(t), scalar);
  const double bound = bounds::fleq_transpose_total(t.q, t.p, t.G, t.n, t.C(), u);
  RC_LOG() << "q=" << t.q << " p=" << t.p << " n=" << t.n << " G=" << t.G << " C=2^" << t.c << " observed=" << err << " bound=" << bound << "\n";
  RC_ASSERT(err <= bound);
  note_ratio("fleq_transpose", scalar, err, bound);
}

}  // namespace

TEST_CASE("fleq_transpose: A^T within the product bound with S = G", "[property][fleq_transpose]") {
  rc::prop("float", [] { check("float"); });
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
}

TEST_CASE("fleq_transpose: negative checks", "[property][negative][fleq_transpose]") {
  int caught_weight = 0, caught_bound = 0;
  rc::check("negatives", [&] {
    const double u = 0x1p-53;
    TransposeCase t = random_case(u);
    LayerSpec broken = layer_of(t);
    broken.heads[0].value.entries[0].value *= 2;
    if (transpose_error(t, broken, "double") > bounds::fleq_transpose_total(t.q, t.p, t.G, t.n, t.C(), u)) ++caught_weight;
    // At a small C the cubic term dominates; a bound with S = 1 misses it when G > 1.
    t.c -= 8;
    if (t.G > 1 && transpose_error(t, layer_of(t), "double") > bounds::fleq_product_total(t.q, t.p, 1, t.n, t.C(), u)) ++caught_bound;
  });
  INFO("caught: weight " << caught_weight << ", bound " << caught_bound);
  CHECK(caught_weight > 0);
  CHECK(caught_bound > 0);
  print_ratios("fleq_transpose");
}
