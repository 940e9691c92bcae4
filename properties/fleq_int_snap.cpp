// Lemma `fleq_int_snap` (proofs/fleq_int_snap.md): a value within 1/4 of an integer m in
// [-K, K] on an `.int` column becomes m exactly, at exact, float, double and mpfr:128
// (the staircase's pre-activations and partial sums are exact); every other column is
// unchanged exactly. Negative checks: a step weight 3 instead of 2, a gate below G.
#include "blocks/fleq_int_snap.hpp"
#include "bounds/fleq_int_snap.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct SnapCase {
  int K = 1, G = 1, n = 3;
  Layout layout{1, 1, 1};
  Matrix<Rational> X;
  std::vector<Rational> m;  // per column: the integer on `.int` columns
  std::vector<bool> is_int;
};

// delta in [-1/4, 1/4], a multiple of 2^-22 (float holds m + delta for |m| <= 2^?;
// within 1/4 after any rounding, since m +- 1/4 is representable), the ends included.
Rational offset() { return Rational(*rc::gen::inRange(-(1 << 20), (1 << 20) + 1), 1 << 22); }

SnapCase random_case() {
  SnapCase c;
  c.K = *rc::gen::inRange(1, 65);
  c.G = *rc::gen::element(1, 16, 192);
  c.n = *rc::gen::inRange(3, 12);
  Layout layout(1, c.n - 2, 1);
  layout.add("cell", *rc::gen::inRange(1, 4));
  layout.add("is_int", 1);
  c.layout = layout;
  c.X = Matrix<Rational>::Zero(layout.rows(), c.n);
  for (int col = 0; col < c.n; ++col) {
    c.is_int.push_back(*rc::gen::arbitrary<bool>());
    c.m.push_back(Rational(*rc::gen::inRange(-c.K, c.K + 1)));
    for (int r = 0; r < layout.block("cell").size; ++r)
      c.X(layout.row("cell", r), col) = c.is_int[col] ? Rational(c.m[col] + offset()) : entry_within(c.G);
    if (c.is_int[col]) {
      c.X(layout.row("is_int"), col) = 1;
      for (int r = 1; r < layout.block("cell").size; ++r) c.X(layout.row("cell", r), col) = offset();  // the cell's other entries: 0 + noise
    }
  }
  return c;
}

LayerSpec layer_of(const SnapCase& c, const Rational& gate) {
  return blocks::fleq_int_snap(c.layout, blocks::IntSnapPlan{"fleq_int_snap", "cell", "is_int", c.K, gate});
}

// True when every `.int` entry is its integer and every other entry unchanged.
bool snapped(const SnapCase& c, const LayerSpec& layer, const std::string& scalar) {
  const Matrix<Rational> Y = run_layer(layer, c.X, scalar);
  for (int col = 0; col < c.n; ++col)
    for (int r = 0; r < c.layout.block("cell").size; ++r) {
      const int row = c.layout.row("cell", r);
      const Rational want = c.is_int[col] ? (r == 0 ? c.m[col] : Rational(0)) : c.X(row, col);
      if (Y(row, col) != want) return false;
    }
  return true;
}

void check(const std::string& scalar) {
  const SnapCase c = random_case();
  const double M = bounds::fleq_int_snap_gate(c.G, c.K);
  RC_ASSERT(bounds::fleq_int_snap_rounding(c.K, M, unit_roundoff_of(scalar)) == 0);  // the exactness condition holds here
  RC_ASSERT(snapped(c, layer_of(c, Rational(static_cast<long>(M))), scalar));
}

}  // namespace

TEST_CASE("fleq_int_snap: exactly the nearest integer, other columns unchanged", "[property][fleq_int_snap]") {
  rc::prop("exact", [] { check("exact"); });
  rc::prop("float", [] { check("float"); });
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
}

TEST_CASE("fleq_int_snap: negative checks", "[property][negative][fleq_int_snap]") {
  int caught_weight = 0, caught_gate = 0;
  rc::check("negatives", [&] {
    const SnapCase c = random_case();
    const Rational M(static_cast<long>(bounds::fleq_int_snap_gate(c.G, c.K)));
    LayerSpec broken = layer_of(c, M);
    for (auto& e : broken.ffn.w2.entries)
      if (e.value == 2) { e.value = 3; break; }  // one step of height 3/2
    if (!snapped(c, broken, "double")) ++caught_weight;
    LayerSpec low(layer_of(c, Rational(c.K + 2)));  // a gate that ignores G: opens on real columns
    if (!snapped(c, low, "double")) ++caught_gate;
  });
  INFO("caught: weight " << caught_weight << ", gate " << caught_gate);
  CHECK(caught_weight > 0);
  CHECK(caught_gate > 0);
}
