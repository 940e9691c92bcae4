// Lemma `fleq_read` (proofs/fleq_read.md): the k columns of the cell a pointer addresses
// are copied into k destination columns, within the leak bound fleq_read_output (plus
// fleq_read_rounding) at double and mpfr:128, exactly under hardmax (`exact`), at the
// temperature fleq_read_temperature_eighths(n, G, eps), for which the bound is <= eps.
// Every other column's operand rows are exactly 0 at every scalar. Negative checks: a
// doubled value weight, a bound computed with the gap 4 instead of 2, half the temperature.
#include "blocks/fleq_read.hpp"
#include "bounds/fleq_read.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct ReadCase {
  int k = 1, cells = 1, G = 1;
  double eps = 1e-6;
  int target = 0;  // the addressed cell
  Layout layout{1, 1, 1};
  Matrix<Rational> X;
  int n() const { return layout.columns(); }
  int L() const { return layout.address_bits(); }
  int lambda_eighths() const { return bounds::fleq_read_temperature_eighths(n(), G, eps); }
  int dest(int j) const { return 1 + j; }  // scratch: column 0 (work), then the k destinations
  int source(int j) const { return layout.memory().begin + target * k + j; }
};

ReadCase random_read_case() {
  ReadCase rc_;
  rc_.k = *rc::gen::inRange(1, 5);
  rc_.cells = *rc::gen::inRange(1, 16);
  rc_.G = *rc::gen::element(1, 16, 192);
  rc_.eps = *rc::gen::element(1e-3, 1e-6, 1e-10, 1e-14);
  rc_.target = *rc::gen::inRange(0, rc_.cells);
  Layout layout(1 + rc_.k, rc_.k * rc_.cells, *rc::gen::inRange(1, 4));
  layout.add("pos", layout.address_bits());
  layout.add("ptr", layout.address_bits());
  layout.add("mem", rc_.k);
  layout.add("opa", rc_.k);
  layout.add("is_dst", 1);
  rc_.layout = layout;
  Matrix<Rational> X = Matrix<Rational>::Zero(layout.rows(), layout.columns());
  put_positions(X, layout);
  for (int c = 0; c < layout.columns(); ++c)  // data everywhere, adversarially
    for (int i = 0; i < rc_.k; ++i) X(layout.row("mem", i), c) = entry_within(rc_.G);
  for (int j = 0; j < rc_.k; ++j) {
    put_code(X, layout.block("ptr"), rc_.dest(j), rc_.source(j));
    X(layout.row("is_dst"), rc_.dest(j)) = 1;
  }
  rc_.X = X;
  return rc_;
}

LayerSpec read_layer(const ReadCase& c, int eighths) {
  blocks::FleqReadPlan plan{"fleq_read", "ptr", "mem", "opa", "is_dst", "pos", Rational(eighths, 8), Rational(2 * c.G)};
  return blocks::fleq_read(c.layout, plan);
}

// The largest |copy - addressed entry|; -1 if an operand row off the destinations is not 0.
double read_error(const ReadCase& c, const LayerSpec& layer, const std::string& scalar) {
  const Matrix<Rational> Y = run_layer(layer, c.X, scalar);
  double worst = 0;
  for (int col = 0; col < c.n(); ++col)
    for (int i = 0; i < c.k; ++i) {
      const bool is_dest = col >= 1 && col <= c.k;
      if (!is_dest && Y(c.layout.row("opa", i), col) != 0) return -1;
      if (is_dest) worst = std::max(worst, abs_diff_up(Y(c.layout.row("opa", i), col), c.X(c.layout.row("mem", i), c.source(col - 1))));
    }
  return worst;
}

double read_bound(const ReadCase& c, int eighths, const std::string& scalar) {
  if (scalar == "exact") return 0;
  const double lambda = eighths / 8.0;
  return bounds::fleq_read_output(c.n(), lambda, c.G) + bounds::fleq_read_rounding(c.n(), c.L(), lambda, c.G, unit_roundoff_of(scalar));
}

void check(const std::string& scalar) {
  const ReadCase c = random_read_case();
  const int e = c.lambda_eighths();
  const double err = read_error(c, read_layer(c, e), scalar), bound = read_bound(c, e, scalar);
  RC_LOG() << "k=" << c.k << " n=" << c.n() << " G=" << c.G << " eps=" << c.eps << " lambda=" << e / 8.0 << " observed=" << err
           << " bound=" << bound << "\n";
  RC_ASSERT(err >= 0);
  RC_ASSERT(err <= bound);
  note_ratio("fleq_read", scalar, err, bound);
  RC_ASSERT(bounds::fleq_read_output(c.n(), e / 8.0, c.G) <= c.eps);
}

}  // namespace

TEST_CASE("fleq_read: the addressed cell within the leak bound", "[property][fleq_read]") {
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
  rc::prop("exact (hardmax): the copy is exact", [] { check("exact"); });
}

TEST_CASE("fleq_read: negative checks", "[property][negative][fleq_read]") {
  int caught_weight = 0, caught_bound = 0, caught_cold = 0;
  // Random cases from RapidCheck's generators (they need a property context); the
  // counts are over all the cases it runs.
  rc::check("negatives", [&] {
    const ReadCase c = random_read_case();
    const int e = c.lambda_eighths();
    LayerSpec doubled = read_layer(c, e);
    doubled.heads[0].value.entries[0].value = 2;
    if (read_error(c, doubled, "double") > read_bound(c, e, "double")) ++caught_weight;
    // A bound with gap 4: 2 G leak(n - 1, lambda, 4) at a temperature that makes the true leak visible.
    const int cold = std::max(1, e / 4);
    const double wrong = 2.0 * c.G * bounds::softmax_leak(c.n() - 1, cold / 8.0, 4);
    if (read_error(c, read_layer(c, cold), "mpfr:128") > wrong) ++caught_bound;
    if (read_error(c, read_layer(c, cold), "mpfr:128") > c.eps) ++caught_cold;
  });
  INFO("caught: weight " << caught_weight << ", bound " << caught_bound << ", temperature " << caught_cold);
  CHECK(caught_weight > 0);
  CHECK(caught_bound > 0);
  CHECK(caught_cold > 0);
  print_ratios("fleq_read");
}
