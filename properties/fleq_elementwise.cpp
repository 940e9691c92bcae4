// Lemma `fleq_elementwise` (proofs/fleq_elementwise.md): add, sub and copy selected per
// column in one ReLU sublayer. Exact at `exact`; at float, double and mpfr:128 the result
// is within fleq_elementwise_rounding, and in fact equal to the correctly rounded
// a + b or a - b (one rounding) and to a itself for copy; unselected columns get exactly
// 0. Negative checks: a gate below 2G (an unselected op leaks in), a doubled output weight.
#include "blocks/fleq_elementwise.hpp"
#include "bounds/fleq_elementwise.hpp"
#include "fleq_harness.hpp"

#include <cstdint>

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

enum Op { kAdd = 0, kSub = 1, kCopy = 2, kNone = 3 };

struct EwCase {
  int k = 1, n = 1, G = 1;
  Layout layout{1, 1, 1};
  Matrix<Rational> X;
  std::vector<int> op;  // per column
};

// An entry of [-G, G] with `bits` significant bits (so that the scalar holds it exactly
// and a sum of two of them needs a rounding).
Rational full_entry(int G, int bits) {
  const std::int64_t top = std::int64_t(1) << (bits - 3);  // G is 3 * 2^j at most: G m fits in `bits` bits
  const int shift = *rc::gen::inRange(0, 31);  // different exponents: the sum must round
  return Rational(G) * Rational(*rc::gen::inRange<std::int64_t>(-top, top + 1)) / Rational(top) * pow2(-shift);
}

EwCase random_case(int bits) {
  EwCase c;
  c.k = *rc::gen::inRange(1, 5);
  c.n = *rc::gen::inRange(3, 12);
  c.G = *rc::gen::element(1, 16, 192, 1 << 20);
  Layout layout(1, c.n - 2, 1);
  for (const char* name : {"a", "b", "out"}) layout.add(name, c.k);
  for (const char* name : {"sel_add", "sel_sub", "sel_copy"}) layout.add(name, 1);
  c.layout = layout;
  c.X = Matrix<Rational>::Zero(layout.rows(), c.n);
  for (int col = 0; col < c.n; ++col) {
    c.op.push_back(*rc::gen::inRange(0, 4));
    for (int i = 0; i < c.k; ++i) {
      c.X(layout.row("a", i), col) = full_entry(c.G, bits);
      c.X(layout.row("b", i), col) = full_entry(c.G, bits);
    }
    const char* sel[] = {"sel_add", "sel_sub", "sel_copy"};
    if (c.op[col] != kNone) c.X(layout.row(sel[c.op[col]]), col) = 1;
  }
  return c;
}

LayerSpec layer_of(const EwCase& c, const Rational& gate) {
  return blocks::fleq_elementwise(c.layout, blocks::ElementwisePlan{"fleq_elementwise", "a", "b", "out", "sel_add", "sel_sub", "sel_copy", gate});
}

Rational exact_result(const EwCase& c, int i, int col) {
  const Rational& a = c.X(c.layout.row("a", i), col);
  const Rational& b = c.X(c.layout.row("b", i), col);
  switch (c.op[col]) {
    case kAdd: return a + b;
    case kSub: return a - b;
    case kCopy: return a;
    default: return 0;
  }
}

// The correctly rounded value at the scalar (what one rounding gives).
Rational rounded(const Rational& x, const std::string& scalar) {
  if (scalar == "exact") return x;
  if (scalar == "double") return Rational(to_double(x));
  if (scalar == "float") {  // round to 24 bits directly (not through double: no double rounding)
    MpfrPrecisionScope scope(24);
    return exact_value(MpfrReal(x));
  }
  MpfrPrecisionScope scope(std::stol(scalar.substr(5)));
  return exact_value(MpfrReal(x));
}

struct Result {
  double error = 0;       // worst |out - exact|
  bool rounded_ok = true;  // every out equals the correctly rounded exact value
  double bound = 0;
};

Result run(const EwCase& c, const LayerSpec& layer, const std::string& scalar) {
  const Matrix<Rational> Y = run_layer(layer, c.X, scalar);
  Result r;
  const double u = unit_roundoff_of(scalar);
  for (int col = 0; col < c.n; ++col)
    for (int i = 0; i < c.k; ++i) {
      const Rational want = exact_result(c, i, col), got = Y(c.layout.row("out", i), col);
      r.error = std::max(r.error, abs_diff_up(got, want));
      r.bound = std::max(r.bound, bounds::fleq_elementwise_rounding(c.G, u, c.op[col] == kCopy));
      if (got != rounded(want, scalar)) r.rounded_ok = false;
    }
  return r;
}

void check(const std::string& scalar) {
  const EwCase c = random_case(scalar == "float" ? 24 : 53);
  const Result r = run(c, layer_of(c, Rational(4 * c.G)), scalar);
  RC_LOG() << "k=" << c.k << " n=" << c.n << " G=" << c.G << " error=" << r.error << " bound=" << r.bound << "\n";
  RC_ASSERT(r.error <= r.bound);
  RC_ASSERT(r.rounded_ok);
  note_ratio("fleq_elementwise", scalar, r.error, r.bound);
}

}  // namespace

TEST_CASE("fleq_elementwise: add, sub, copy exact up to one rounding", "[property][fleq_elementwise]") {
  rc::prop("exact", [] { check("exact"); });
  rc::prop("float", [] { check("float"); });
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
}

TEST_CASE("fleq_elementwise: negative checks", "[property][negative][fleq_elementwise]") {
  int caught_gate = 0, caught_weight = 0;
  rc::check("negatives", [&] {
    const EwCase c = random_case(53);
    if (run(c, layer_of(c, Rational(c.G, 2)), "exact").error > 0) ++caught_gate;
    LayerSpec doubled = layer_of(c, Rational(4 * c.G));
    doubled.ffn.w2.entries[0].value = 2;
    if (run(c, doubled, "double").error > run(c, doubled, "double").bound) ++caught_weight;
  });
  INFO("caught: gate " << caught_gate << ", weight " << caught_weight);
  CHECK(caught_gate > 0);
  CHECK(caught_weight > 0);
  print_ratios("fleq_elementwise");
}
