// Lemma `fleq_matmul` (proofs/fleq_matmul.md): the paired head with constant keys and
// the data in the values computes A B. Checked on random cells within the declared
// bounds: block-exact (MPFR, 400 bits) vs A B <= fleq_matmul_exact, the engine at float,
// double and mpfr:128 vs block-exact <= fleq_matmul_rounding and vs A B <=
// fleq_matmul_total, with C = fleq_matmul_best_scale(q, G, G, n, u). A scan of C at double
// on near-worst cells: observed <= bound everywhere and smallest near the bound's C.
// Negative checks: a doubled value weight; a bound without its cubic term at a small C.
#include <random>

#include "blocks/fleq_matmul.hpp"
#include "bounds/fleq_matmul.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct MatmulCase {
  int p = 1, q = 1, n = 2, G = 1, c = 0;
  Matrix<Rational> A, B;  // p x q, q x n (column j: the query of punchcard column j)
  double C() const { return std::ldexp(1.0, c); }
};

Layout layout_of(const MatmulCase& m) {
  Layout layout(1, m.n - 2, 1);
  layout.add("slots", m.q);
  layout.add("queries", m.q);
  layout.add("data", m.p);
  layout.add("out", m.p);
  return layout;
}

Matrix<Rational> punchcard(const Layout& l, const MatmulCase& m) {
  Matrix<Rational> X = Matrix<Rational>::Zero(l.rows(), m.n);
  for (int c = 0; c < m.q; ++c)
    for (int s = 0; s < 2; ++s) {
      const int sign = s == 0 ? 1 : -1;
      X(l.row("slots", c), 2 * c + s) = sign;
      for (int i = 0; i < m.p; ++i) X(l.row("data", i), 2 * c + s) = sign * m.A(i, c);
    }
  for (int j = 0; j < m.n; ++j)
    for (int r = 0; r < m.q; ++r) X(l.row("queries", r), j) = m.B(r, j);
  return X;
}

LayerSpec layer_of(const Layout& l, const MatmulCase& m) {
  return blocks::fleq_matmul(l, blocks::MatmulPlan{"fleq_matmul", "slots", "queries", "data", "out", m.c});
}

Rational ideal(const MatmulCase& m, int i, int j) {
  Rational s = 0;
  for (int c = 0; c < m.q; ++c) s += m.A(i, c) * m.B(c, j);
  return s;
}

// sum_l A_il C sinh(x_l) / (1 + D), x_l = B_lj / C, at 400 bits.
Rational block_exact(const MatmulCase& m, int i, int j) {
  MpfrPrecisionScope scope(400);
  const MpfrReal C(Rational(pow2(m.c)));
  MpfrReal D(0), sum(0);
  for (int c = 0; c < m.q; ++c) {
    const MpfrReal x = MpfrReal(m.B(c, j)) / C;
    const MpfrReal ep = exp(x), em = exp(MpfrReal(0) - x);
    D = D + (ep + em - MpfrReal(2)) / MpfrReal(m.n);
    sum = sum + MpfrReal(m.A(i, c)) * C * (ep - em) / MpfrReal(2);
  }
  return exact_value(sum / (MpfrReal(1) + D));
}

struct Observed {
  double total = 0, rounding = 0, exact = 0;
};

Observed observe(const MatmulCase& m, const std::string& scalar, const LayerSpec* override_layer = nullptr) {
  const Layout l = layout_of(m);
  const LayerSpec layer = override_layer ? *override_layer : layer_of(l, m);
  const Matrix<Rational> Y = run_layer(layer, punchcard(l, m), scalar);
  Observed o;
  for (int j = 0; j < m.n; ++j)
    for (int i = 0; i < m.p; ++i) {
      const Rational got = Y(l.row("out", i), j), want = ideal(m, i, j), mid = block_exact(m, i, j);
      o.total = std::max(o.total, abs_diff_up(got, want));
      o.rounding = std::max(o.rounding, abs_diff_up(got, mid));
      o.exact = std::max(o.exact, abs_diff_up(mid, want));
    }
  return o;
}

MatmulCase random_case(double u) {
  MatmulCase m;
  const int k = *rc::gen::inRange(1, 5);
  m.p = *rc::gen::inRange(1, k + 1);
  m.q = *rc::gen::inRange(1, k + 1);
  m.n = 2 * m.q + *rc::gen::inRange(1, 24);
  m.G = *rc::gen::element(1, 3, 16, 192);
  m.A = Matrix<Rational>(m.p, m.q);
  m.B = Matrix<Rational>(m.q, m.n);
  const bool extreme = *rc::gen::inRange(0, 4) == 0;
  for (auto* M : {&m.A, &m.B})
    for (Eigen::Index a = 0; a < M->rows(); ++a)
      for (Eigen::Index b = 0; b < M->cols(); ++b) (*M)(a, b) = extreme ? Rational(*rc::gen::element(-m.G, m.G)) : entry_within(m.G);
  m.c = bounds::fleq_matmul_best_scale(m.q, m.G, m.G, m.n, u);
  return m;
}

void check(const std::string& scalar) {
  const double u = unit_roundoff_of(scalar);
  const MatmulCase m = random_case(u);
  const Observed o = observe(m, scalar);
  RC_LOG() << "p=" << m.p << " q=" << m.q << " n=" << m.n << " G=" << m.G << " C=2^" << m.c << " total=" << o.total << "\n";
  RC_ASSERT(o.exact <= bounds::fleq_matmul_exact(m.q, m.G, m.G, m.n, m.C()));
  RC_ASSERT(o.rounding <= bounds::fleq_matmul_rounding(m.q, m.G, m.G, m.n, m.C(), u));
  const double bound = bounds::fleq_matmul_total(m.q, m.G, m.G, m.n, m.C(), u);
  RC_ASSERT(o.total <= bound);
  note_ratio("fleq_matmul", scalar, o.total, bound);
}

// p = q = 4, entries G (1 - t), t in [0, 1/16], from a fixed seed.
MatmulCase near_worst_case(int G, int n, unsigned seed) {
  MatmulCase m;
  m.p = m.q = 4;
  m.n = n;
  m.G = G;
  m.A = Matrix<Rational>(4, 4);
  m.B = Matrix<Rational>(4, n);
  std::mt19937 gen(seed);
  for (auto* M : {&m.A, &m.B})
    for (Eigen::Index a = 0; a < M->rows(); ++a)
      for (Eigen::Index b = 0; b < M->cols(); ++b) (*M)(a, b) = Rational(G) * (1 - Rational(gen() % (1 << 16), 1 << 20));
  return m;
}

}  // namespace

TEST_CASE("fleq_matmul: A B within the proved bound at float, double and mpfr:128", "[property][fleq_matmul]") {
  rc::prop("float", [] { check("float"); });
  rc::prop("double", [] { check("double"); });
  rc::prop("mpfr:128", [] { check("mpfr:128"); });
}

TEST_CASE("fleq_matmul: the observed error follows the bound over C", "[property][fleq_matmul]") {
  const bool report = std::getenv("LOOPCERT_FLEQ_REPORT") != nullptr;
  const double u = 0x1p-53;
  MatmulCase m = near_worst_case(16, 16, 1);
  const int best = bounds::fleq_matmul_best_scale(m.q, m.G, m.G, m.n, u);
  double min_observed = INFINITY, at_best = 0;
  for (int c = best - 8; c <= best + 8; c += 2) {
    double observed = 0;
    for (unsigned seed = 1; seed <= 4; ++seed) {
      m = near_worst_case(16, 16, seed);
      m.c = c;
      observed = std::max(observed, observe(m, "double").total);
    }
    const double bound = bounds::fleq_matmul_total(m.q, m.G, m.G, m.n, m.C(), u);
    INFO("C=2^" << c << " observed " << observed << " bound " << bound);
    CHECK(observed <= bound);
    if (report) std::printf("matmul G=16 C=2^%d observed=%.3e bound=%.3e ratio=%.3f\n", c, observed, bound, observed / bound);
    min_observed = std::min(min_observed, observed);
    if (c == best) at_best = observed;
  }
  CHECK(at_best <= 4 * min_observed);
  print_ratios("fleq_matmul");
}

TEST_CASE("fleq_matmul: negative checks", "[property][negative][fleq_matmul]") {
  const double u = 0x1p-53;
  MatmulCase m = near_worst_case(16, 16, 1);
  m.c = bounds::fleq_matmul_best_scale(m.q, m.G, m.G, m.n, u);
  SECTION("a doubled value weight is caught") {
    LayerSpec broken = layer_of(layout_of(m), m);
    broken.heads[0].value.entries[0].value *= 2;
    CHECK(observe(m, "double", &broken).total > bounds::fleq_matmul_total(m.q, m.G, m.G, m.n, m.C(), u));
  }
  SECTION("a bound without its cubic term is caught at a small C") {
    m.c -= 8;
    CHECK(observe(m, "double").total > bounds::fleq_matmul_rounding(m.q, m.G, m.G, m.n, m.C(), u));
  }
}
