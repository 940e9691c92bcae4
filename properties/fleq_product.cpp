// Lemma `fleq_product` (proofs/fleq_product.md): one softmax head in its nearly linear
// range computes A^T B. Checked on random cells within the declared bound G:
//   block-exact (the head's exact-arithmetic function, MPFR at 400 bits) vs A^T B
//     <= fleq_product_exact                                   (Theorem 1),
//   engine at double / mpfr:128 vs block-exact <= fleq_product_rounding (Theorem 2),
//   engine vs A^T B <= fleq_product_total,
// with C = fleq_product_best_scale(G, k, n, u). At double, worst-case cells (every entry
// +-G) are run over a range of C: the observed error stays below the bound at every C and
// is within a factor 4 of its own minimum at the bound's best C (C follows the bound).
// Negative checks: a doubled value weight, the unpaired head, a bound without its cubic
// term. Hardmax (`exact`) is not meaningful here: the product lives in softmax's linear
// range. RC_PARAMS="max_success=1000" for a deeper run; LOOPCERT_FLEQ_REPORT=1 prints
// the scan.
#include <cstdlib>
#include <cstdio>
#include <map>
#include <random>

#include "blocks/fleq_product.hpp"
#include "bounds/fleq_product.hpp"
#include "fleq_harness.hpp"

using namespace loopcert;
using namespace loopcert::properties::fleq;

namespace {

struct ProductCase {
  int q = 1, p = 1, r = 1, n = 2, G = 1;
  Matrix<Rational> A, B;  // q x p, q x n (column j: the query of punchcard column j)
  int c = 0;              // C = 2^c
  double S() const { return bounds::fleq_product_score_bound(q, G, G); }
  double C() const { return std::ldexp(1.0, c); }
};

Layout product_layout(const ProductCase& pc) {
  Layout layout(1, pc.n - 2, 1);  // regions are placeholders: the head attends over every column
  layout.add("keys", pc.q);
  layout.add("queries", pc.q);
  layout.add("slots", pc.p);
  layout.add("out", pc.p);
  return layout;
}

// Columns 2i and 2i+1: the pair of a_i; every column queries with its own b.
Matrix<Rational> product_punchcard(const Layout& layout, const ProductCase& pc) {
  Matrix<Rational> X = Matrix<Rational>::Zero(layout.rows(), pc.n);
  for (int i = 0; i < pc.p; ++i)
    for (int s = 0; s < 2; ++s) {
      const int col = 2 * i + s, sign = s == 0 ? 1 : -1;
      for (int l = 0; l < pc.q; ++l) X(layout.row("keys", l), col) = sign * pc.A(l, i);
      X(layout.row("slots", i), col) = sign;
    }
  for (int j = 0; j < pc.n; ++j)
    for (int l = 0; l < pc.q; ++l) X(layout.row("queries", l), j) = pc.B(l, j);
  return X;
}

LayerSpec product_layer(const Layout& layout, const ProductCase& pc) {
  blocks::ProductPlan plan{"fleq_product", "keys", "queries", "slots", "out", pc.c};
  return blocks::fleq_product(layout, plan);
}

Rational ideal(const ProductCase& pc, int i, int j) {
  Rational s = 0;
  for (int l = 0; l < pc.q; ++l) s += pc.A(l, i) * pc.B(l, j);
  return s;
}

// The head in exact arithmetic: C sinh(x_i) / (1 + D), D = (2/n) sum (cosh x_l - 1), 400 bits.
Rational block_exact(const ProductCase& pc, int i, int j) {
  MpfrPrecisionScope scope(400);
  const MpfrReal C(Rational(pow2(pc.c)));
  MpfrReal D(0), target(0);
  for (int l = 0; l < pc.p; ++l) {
    const MpfrReal x = MpfrReal(ideal(pc, l, j)) / C;
    const MpfrReal ep = exp(x), em = exp(MpfrReal(0) - x);
    D = D + (ep + em - MpfrReal(2)) / MpfrReal(pc.n);
    if (l == i) target = C * (ep - em) / MpfrReal(2);
  }
  return exact_value(target / (MpfrReal(1) + D));
}

struct Observed {
  double total = 0, rounding = 0, exact = 0;  // worst over every column and output row
};

Observed observe(const ProductCase& pc, const std::string& scalar, const LayerSpec* layer_override = nullptr) {
  const Layout layout = product_layout(pc);
  const LayerSpec layer = layer_override ? *layer_override : product_layer(layout, pc);
  const Matrix<Rational> Y = run_layer(layer, product_punchcard(layout, pc), scalar);
  Observed o;
  for (int j = 0; j < pc.n; ++j)
    for (int i = 0; i < pc.p; ++i) {
      const Rational got = Y(layout.row("out", i), j), want = ideal(pc, i, j), mid = block_exact(pc, i, j);
      o.total = std::max(o.total, abs_diff_up(got, want));
      o.rounding = std::max(o.rounding, abs_diff_up(got, mid));
      o.exact = std::max(o.exact, abs_diff_up(mid, want));
    }
  return o;
}

ProductCase random_case(double u) {
  ProductCase pc;
  const int k = *rc::gen::inRange(1, 5);
  pc.q = *rc::gen::inRange(1, k + 1);
  pc.p = *rc::gen::inRange(1, k + 1);
  pc.n = 2 * pc.p + *rc::gen::inRange(1, 24);
  pc.G = *rc::gen::element(1, 3, 16, 192);
  pc.A = Matrix<Rational>(pc.q, pc.p);
  pc.B = Matrix<Rational>(pc.q, pc.n);
  const bool extreme = *rc::gen::inRange(0, 4) == 0;  // a quarter of the cases: entries +-G
  for (auto* M : {&pc.A, &pc.B})
    for (Eigen::Index a = 0; a < M->rows(); ++a)
      for (Eigen::Index b = 0; b < M->cols(); ++b)
        (*M)(a, b) = extreme ? Rational(*rc::gen::element(-pc.G, pc.G)) : entry_within(pc.G);
  pc.c = bounds::fleq_product_best_scale(pc.q, pc.p, pc.S(), pc.n, u);
  return pc;
}

// The worst observed / bound of the random cases, per scalar (printed on request).
std::map<std::string, double>& worst_ratio() {
  static std::map<std::string, double> ratios;
  return ratios;
}

void check_random(const std::string& scalar) {
  const double u = unit_roundoff_of(scalar);
  const ProductCase pc = random_case(u);
  const Observed o = observe(pc, scalar);
  const double S = pc.S(), C = pc.C();
  RC_LOG() << "q=" << pc.q << " p=" << pc.p << " n=" << pc.n << " G=" << pc.G << " C=2^" << pc.c << " total=" << o.total
           << " exact=" << o.exact << " rounding=" << o.rounding << "\n";
  RC_ASSERT(o.exact <= bounds::fleq_product_exact(pc.p, S, pc.n, C));
  RC_ASSERT(o.rounding <= bounds::fleq_product_rounding(pc.q, pc.p, S, pc.n, C, u));
  const double bound = bounds::fleq_product_total(pc.q, pc.p, S, pc.n, C, u);
  RC_ASSERT(o.total <= bound);
  worst_ratio()[scalar] = std::max(worst_ratio()[scalar], o.total / bound);
}

// k = 4, every entry G (1 - t), t in [0, 1/16] from a fixed seed: every score is near
// the bound S, and the entries are not round numbers (all-equal entries let the
// roundings of a pair cancel exactly, which says nothing about the bound).
ProductCase near_worst_case(int G, int n, unsigned seed) {
  ProductCase pc;
  pc.q = pc.p = 4;
  pc.n = n;
  pc.G = G;
  pc.A = Matrix<Rational>(4, 4);
  pc.B = Matrix<Rational>(4, n);
  std::mt19937 gen(seed);
  for (auto* M : {&pc.A, &pc.B})
    for (Eigen::Index a = 0; a < M->rows(); ++a)
      for (Eigen::Index b = 0; b < M->cols(); ++b) (*M)(a, b) = Rational(G) * (1 - Rational(gen() % (1 << 16), 1 << 20));
  return pc;
}

}  // namespace

TEST_CASE("fleq_product: A^T B within the proved bound at float, double and mpfr:128", "[property][fleq_product]") {
  rc::prop("double", [] { check_random("double"); });
  rc::prop("mpfr:128", [] { check_random("mpfr:128"); });
  rc::prop("float", [] { check_random("float"); });
}

TEST_CASE("fleq_product: the observed error follows the bound over C and the bound's C is near-optimal",
          "[property][fleq_product]") {
  const bool report = std::getenv("LOOPCERT_FLEQ_REPORT") != nullptr;
  if (report)  // the random cases of the test case above have run (declaration order)
    for (const auto& [scalar, ratio] : worst_ratio()) std::printf("random cells at %s: worst observed / bound = %.3f\n", scalar.c_str(), ratio);
  if (report)
    for (const int prec : {24, 53, 128}) {
      const double u = std::ldexp(1.0, -prec), S = bounds::fleq_product_score_bound(4, 16, 16);
      const int c = bounds::fleq_product_best_scale(4, 4, S, 64, u);
      const double rel = bounds::fleq_product_total(4, 4, S, 64, std::ldexp(1.0, c), u) / S;
      std::printf("k=4 G=16 n=64 p=%d: best C=2^%d, bound/S=%.3e, digits kept %.2f of %.2f\n", prec, c, rel, -std::log10(rel),
                  prec * std::log10(2.0));
    }
  for (const int G : {1, 16}) {
    const double u = 0x1p-53;
    ProductCase pc = near_worst_case(G, 16, 1);
    const int best = bounds::fleq_product_best_scale(pc.q, pc.p, pc.S(), pc.n, u);
    double min_observed = INFINITY, at_best = 0;
    for (int c = best - 10; c <= best + 10; c += 2) {
      double observed = 0;
      for (unsigned seed = 1; seed <= 4; ++seed) {
        pc = near_worst_case(G, 16, seed);
        pc.c = c;
        observed = std::max(observed, observe(pc, "double").total);
      }
      const double bound = bounds::fleq_product_total(pc.q, pc.p, pc.S(), pc.n, pc.C(), u);
      INFO("G=" << G << " C=2^" << c << " observed " << observed << " bound " << bound);
      CHECK(observed <= bound);
      if (c <= best - 6) CHECK(observed >= bound / 8);  // the cubic term is attained, not just bounded
      if (report) std::printf("G=%d C=2^%d observed=%.3e bound=%.3e ratio=%.3f\n", G, c, observed, bound, observed / bound);
      min_observed = std::min(min_observed, observed);
      if (c == best) at_best = observed;
    }
    INFO("G=" << G << " best C=2^" << best << ": observed " << at_best << ", minimum over the scan " << min_observed);
    CHECK(at_best <= 4 * min_observed);
  }
}

TEST_CASE("fleq_product: negative checks", "[property][negative][fleq_product]") {
  const double u = 0x1p-53;
  ProductCase pc = near_worst_case(16, 16, 1);
  pc.c = bounds::fleq_product_best_scale(pc.q, pc.p, pc.S(), pc.n, u);
  const Layout layout = product_layout(pc);
  SECTION("a doubled value weight is caught") {
    LayerSpec broken = product_layer(layout, pc);
    broken.heads[0].value.entries[0].value *= 2;
    CHECK(observe(pc, "double", &broken).total > bounds::fleq_product_total(pc.q, pc.p, pc.S(), pc.n, pc.C(), u));
  }
  SECTION("the unpaired head (minus columns cleared) is caught") {
    ProductCase half = pc;
    const Layout l = product_layout(half);
    Matrix<Rational> X = product_punchcard(l, half);
    for (int i = 0; i < half.p; ++i) {  // clear every minus column's key and slot
      for (int r = 0; r < half.q; ++r) X(l.row("keys", r), 2 * i + 1) = 0;
      X(l.row("slots", i), 2 * i + 1) = 0;
    }
    const Matrix<Rational> Y = run_layer(product_layer(l, half), X, "double");
    double worst = 0;
    for (int i = 0; i < half.p; ++i) worst = std::max(worst, abs_diff_up(Y(l.row("out", i), 2 * half.p), ideal(half, i, 2 * half.p)));
    CHECK(worst > bounds::fleq_product_total(pc.q, pc.p, pc.S(), pc.n, pc.C(), u));
  }
  SECTION("a bound without its cubic term is caught at a small C") {
    pc.c -= 8;
    const Observed o = observe(pc, "double");
    CHECK(o.total > bounds::fleq_product_rounding(pc.q, pc.p, pc.S(), pc.n, pc.C(), u));
  }
}
