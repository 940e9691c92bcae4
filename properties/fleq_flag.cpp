// Lemma `fleq_flag` (proofs/fleq_flag.md): for x within 1/4 of an integer m on the
// indicated column the flag is exactly [m <= 0], at exact, float, double and mpfr:128;
// exactly 0 on every other column. Negative checks: the paper's flag 1 - relu(x) +
// relu(x - 1) (exact only on integers) and a gate below max|x|.
#include "blocks/fleq_flag.hpp"
#include "bounds/fleq_flag.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct FlagCase {
  int K = 1, G = 1, n = 3, column = 0;
  Layout layout{1, 1, 1};
  Matrix<Rational> X;
  Rational m;
};

FlagCase random_case() {
  FlagCase c;
  c.K = *rc::gen::element(1, 16, 1 << 20);
  c.G = *rc::gen::element(1, 16, 192);
  c.n = *rc::gen::inRange(3, 12);
  c.column = *rc::gen::inRange(0, c.n);
  Layout layout(1, c.n - 2, 1);
  layout.add("x", 1);
  layout.add("is_flag", 1);
  layout.add("flag", 1);
  c.layout = layout;
  c.X = Matrix<Rational>::Zero(layout.rows(), c.n);
  c.m = *rc::gen::inRange(-c.K, c.K + 1);
  for (int col = 0; col < c.n; ++col) c.X(layout.row("x"), col) = entry_within(c.G);
  // The read value: m plus a read error within 1/4 (ends included), a multiple of 2^-22.
  c.X(layout.row("x"), c.column) = c.m + Rational(*rc::gen::inRange(-(1 << 20), (1 << 20) + 1), 1 << 22);
  c.X(layout.row("is_flag"), c.column) = 1;
  return c;
}

double gate_of(const FlagCase& c) { return std::max<double>(bounds::fleq_flag_gate(c.G), c.K + 2); }

LayerSpec layer_of(const FlagCase& c, const Rational& gate) {
  return blocks::fleq_flag(c.layout, blocks::FleqFlagPlan{"fleq_flag", "x", "is_flag", "flag", gate});
}

bool flag_exact(const FlagCase& c, const LayerSpec& layer, const std::string& scalar) {
  const Matrix<Rational> Y = run_layer(layer, c.X, scalar);
  for (int col = 0; col < c.n; ++col) {
    const Rational want = col == c.column ? Rational(c.m <= 0 ? 1 : 0) : Rational(0);
    if (Y(c.layout.row("flag"), col) != want) return false;
  }
  return true;
}

void check(const std::string& scalar) {
  const FlagCase c = random_case();
  const double M = gate_of(c);
  RC_PRE(bounds::fleq_flag_rounding(c.K + 1, M, unit_roundoff_of(scalar)) == 0);  // float and K = 2^20: no claim
  RC_ASSERT(flag_exact(c, layer_of(c, Rational(static_cast<long>(M))), scalar));
}

}  // namespace

TEST_CASE("fleq_flag: exactly [x <= 0] for an integer read within 1/4", "[property][fleq_flag]") {
  rc::prop("exact", [] { check("exact"); });
  rc::prop("float", [] { check("float"); });
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
}

TEST_CASE("fleq_flag: negative checks", "[property][negative][fleq_flag]") {
  int caught_paper = 0, caught_gate = 0;
  rc::check("negatives", [&] {
    const FlagCase c = random_case();
    const Rational M(static_cast<long>(gate_of(c)));
    // The paper's 1 - relu(x) + relu(x - 1): linear on [0, 1], so a read error shows.
    LayerSpec paper = layer_of(c, M);
    paper.ffn.b1[1] = -M;
    paper.ffn.b1[2] = -1 - M;
    for (auto& e : paper.ffn.w2.entries) e.value = e.value > 1 ? Rational(1) : e.value < 0 ? Rational(-1) : e.value;
    // It errs only near 0 and 1, which random m in [-K, K] rarely hits: read 0 + 1/8 too.
    FlagCase near_zero = c;
    near_zero.m = 0;
    near_zero.X(c.layout.row("x"), c.column) = Rational(1, 8);
    if (!flag_exact(c, paper, "exact") || !flag_exact(near_zero, paper, "exact")) ++caught_paper;
    if (!flag_exact(c, layer_of(c, Rational(1)), "exact")) ++caught_gate;
  });
  INFO("caught: paper's flag " << caught_paper << ", gate " << caught_gate);
  CHECK(caught_paper > 0);
  CHECK(caught_gate > 0);
}
