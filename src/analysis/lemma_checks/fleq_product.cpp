// Lemma check `fleq_product` (blocks/fleq_product.hpp, proofs/fleq_product.md,
// bounds/fleq_product.hpp): A^T B from one paired softmax head in its nearly linear
// range, every output column within fleq_product_total at the scale
// fleq_product_best_scale picks from the declared bound (never the data). Worst case:
// every entry +-G with one sign pattern shared by every column of A and of B, so every
// score is +-S (the largest the bound allows: both terms of Theorem 1 at their maximum).
// Hardmax has no linear range: at `exact` nothing is claimed (bound +infinity).
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_product.hpp"
#include "bounds/fleq_product.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 4), q = s.uniform(1, k), p = s.uniform(1, k), G = fleq_bound(s);
  const int n = 2 * p + s.uniform(1, 24);
  Layout layout(1, n - 2, 1);  // the head attends over every column; the regions are placeholders
  layout.add("keys", q);
  layout.add("queries", q);
  layout.add("slots", p);
  layout.add("out", p);
  fleq_start(s, layout, q);
  std::vector<Rational> pattern(q);
  for (auto& x : pattern) x = random_side(s) * G;
  std::vector<std::vector<Rational>> A(q, std::vector<Rational>(p)), B(q, std::vector<Rational>(n));
  for (int l = 0; l < q; ++l) {
    for (int i = 0; i < p; ++i) A[l][i] = worst ? pattern[l] : fleq_entry(s, G, false);
    for (int j = 0; j < n; ++j) B[l][j] = worst ? pattern[l] * random_side(s) : fleq_entry(s, G, false);
  }
  fleq_put_pairs(s, "keys", q, p, [&](int l, int i) { return A[l][i]; });
  for (int j = 0; j < n; ++j)
    for (int l = 0; l < q; ++l) s.X(layout.row("queries", l), j) = B[l][j];
  const double S = bounds::fleq_product_score_bound(q, G, G);
  int scale = bounds::fleq_product_best_scale(q, p, S, n, fleq_scale_u(c));
  const int built = fleq_built_scale(scale, c);
  Case out;
  out.layer = blocks::fleq_product(layout, {"fleq_product", "keys", "queries", "slots", "out", built});
  fleq_sabotage(out.layer, c.settings.sabotage);
  const double C = std::ldexp(1.0, scale);
  const double exact = c.hardmax ? bounds::kInfinity : bounds::fleq_product_exact(p, S, n, C);
  Check product{"A^T B", false, {}, c.hardmax ? bounds::kInfinity : bounds::fleq_product_total(q, p, S, n, C, c.u), exact};
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < p; ++i) {
      Rational y = 0;
      for (int l = 0; l < q; ++l) y += A[l][i] * B[l][j];
      product.entries.push_back({layout.row("out", i), j, y, false});
    }
  out.checks = {product};
  out.bound_function = c.hardmax ? "none under hardmax (no linear range)" : "bounds::fleq_product_total";
  out.detail = fmt::format("q {}, p {}, G {}, C 2^{}", q, p, G, scale);
  out.lambda = 1;
  return out;
}

}  // namespace

const LemmaCheck fleq_product_check{"fleq_product", "bounds::fleq_product_total", &make};

}  // namespace loopcert::analysis::lemma_checks
