// Lemma `fleq_write` (proofs/fleq_write.md): the result columns go to the memory columns
// of the destination cell within fleq_write_output (+ fleq_write_rounding) at double and
// mpfr:128, exactly under hardmax; every other column's data rows are unchanged exactly,
// and buffer and hit are exactly 0 afterwards, at every scalar. The temperature is
// fleq_write_temperature_eighths(n, G, eps) (bound <= eps). Negative checks: a doubled
// buffer weight, a gate below G (it opens on other columns), half the temperature.
#include "blocks/fleq_write.hpp"
#include "bounds/fleq_write.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct WriteCase {
  int k = 1, active = 1, cells = 1, G = 1;
  double eps = 1e-6;
  int target = 0;
  Layout layout{1, 1, 1};
  Matrix<Rational> X;
  int n() const { return layout.columns(); }
  int L() const { return layout.address_bits(); }
  int source(int j) const { return 1 + j; }
  int dest(int j) const { return layout.memory().begin + target * k + j; }
};

WriteCase random_write_case() {
  WriteCase c;
  c.k = *rc::gen::inRange(1, 5);
  c.active = *rc::gen::inRange(1, c.k + 1);  // a cell narrower than k leaves sources idle
  c.cells = *rc::gen::inRange(1, 16);
  c.G = *rc::gen::element(1, 16, 192);
  c.eps = *rc::gen::element(1e-3, 1e-6, 1e-10, 1e-14);
  c.target = *rc::gen::inRange(0, c.cells);
  Layout layout(1 + c.k, c.k * c.cells, *rc::gen::inRange(1, 4));
  const int L = layout.address_bits();
  layout.add("pos", L);
  layout.add("ptr", L);
  layout.add("res", c.k);
  layout.add("mem", c.k);
  layout.add("wbuf", c.k);
  layout.add("whit", 1);
  layout.add("is_src", 1);
  layout.add("is_mem", 1);
  c.layout = layout;
  Matrix<Rational> X = Matrix<Rational>::Zero(layout.rows(), layout.columns());
  put_positions(X, layout);
  for (int col = 0; col < layout.columns(); ++col) {
    for (int i = 0; i < c.k; ++i) X(layout.row("mem", i), col) = entry_within(c.G);
    if (layout.memory().contains(col)) X(layout.row("is_mem"), col) = 1;
  }
  for (int j = 0; j < c.active; ++j) {
    put_code(X, layout.block("ptr"), c.source(j), c.dest(j));
    X(layout.row("is_src"), c.source(j)) = 1;
    for (int i = 0; i < c.k; ++i) X(layout.row("res", i), c.source(j)) = entry_within(c.G);
  }
  c.X = X;
  return c;
}

LayerSpec write_layer(const WriteCase& c, int eighths, const Rational& gate) {
  blocks::FleqWritePlan plan{"fleq_write", "ptr", "res", "mem", "wbuf", "whit", "is_src", "pos", "is_mem", Rational(eighths, 8), gate};
  return blocks::fleq_write(c.layout, plan);
}

// The largest error on the addressed columns; -1 when another column changed or the
// buffer or hit is not 0.
double write_error(const WriteCase& c, const LayerSpec& layer, const std::string& scalar) {
  const Matrix<Rational> Y = run_layer(layer, c.X, scalar);
  double worst = 0;
  for (int col = 0; col < c.n(); ++col) {
    if (Y(c.layout.row("whit"), col) != 0) return -1;
    int j = -1;
    for (int a = 0; a < c.active; ++a)
      if (c.dest(a) == col) j = a;
    for (int i = 0; i < c.k; ++i) {
      if (Y(c.layout.row("wbuf", i), col) != 0) return -1;
      const Rational& now = Y(c.layout.row("mem", i), col);
      if (j < 0 && now != c.X(c.layout.row("mem", i), col)) return -1;
      if (j >= 0) worst = std::max(worst, abs_diff_up(now, c.X(c.layout.row("res", i), c.source(j))));
    }
  }
  return worst;
}

double write_bound(const WriteCase& c, const LayerSpec& layer, int eighths, const std::string& scalar) {
  if (scalar == "exact") return 0;
  const double lambda = eighths / 8.0, C = bounds::fleq_write_gate(c.G);
  return bounds::fleq_write_output(c.n(), lambda, c.G, C) +
         bounds::fleq_write_rounding(layer, c.n(), c.L(), lambda, c.G, C, unit_roundoff_of(scalar));
}

void check(const std::string& scalar) {
  const WriteCase c = random_write_case();
  const int e = bounds::fleq_write_temperature_eighths(c.n(), c.G, c.eps);
  const LayerSpec layer = write_layer(c, e, Rational(3 * c.G));
  const double err = write_error(c, layer, scalar), bound = write_bound(c, layer, e, scalar);
  RC_LOG() << "k=" << c.k << " active=" << c.active << " n=" << c.n() << " G=" << c.G << " eps=" << c.eps << " lambda=" << e / 8.0
           << " observed=" << err << " bound=" << bound << "\n";
  RC_ASSERT(err >= 0);
  RC_ASSERT(err <= bound);
  RC_ASSERT(bounds::fleq_write_output(c.n(), e / 8.0, c.G, bounds::fleq_write_gate(c.G)) <= c.eps);
  note_ratio("fleq_write", scalar, err, bound);
}

}  // namespace

TEST_CASE("fleq_write: the destination cell within the leak bound, every other column unchanged", "[property][fleq_write]") {
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
  rc::prop("exact (hardmax): the write is exact", [] { check("exact"); });
}

TEST_CASE("fleq_write: negative checks", "[property][negative][fleq_write]") {
  int caught_weight = 0, caught_gate = 0, caught_cold = 0;
  rc::check("negatives", [&] {
    const WriteCase c = random_write_case();
    const int e = bounds::fleq_write_temperature_eighths(c.n(), c.G, c.eps);
    LayerSpec doubled = write_layer(c, e, Rational(3 * c.G));
    doubled.heads[0].value.entries[0].value = 2;
    const double err = write_error(c, doubled, "double");
    if (err < 0 || err > write_bound(c, doubled, e, "double")) ++caught_weight;
    // A gate of G / 4: it opens on columns where |2 buf - x| > G / 4, which then change.
    if (write_error(c, write_layer(c, e, Rational(c.G, 4)), "mpfr:128") < 0) ++caught_gate;
    const double cold = write_error(c, write_layer(c, std::max(1, e / 4), Rational(3 * c.G)), "mpfr:128");
    if (cold < 0 || cold > c.eps) ++caught_cold;
  });
  INFO("caught: weight " << caught_weight << ", gate " << caught_gate << ", temperature " << caught_cold);
  CHECK(caught_weight > 0);
  CHECK(caught_gate > 0);
  CHECK(caught_cold > 0);
  print_ratios("fleq_write");
}
