// Lemma check `fleq_matmul` (blocks/fleq_matmul.hpp, proofs/fleq_matmul.md,
// bounds/fleq_matmul.hpp): A B from the paired head with constant slot keys and the
// columns of A as values, every output column within fleq_matmul_total at
// fleq_matmul_best_scale. Worst case: every entry +-G (every score +-G_B / C, every
// value term at its largest). Hardmax has no linear range: nothing is claimed at `exact`.
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_matmul.hpp"
#include "bounds/fleq_matmul.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 4), p = s.uniform(1, k), q = s.uniform(1, k), G = fleq_bound(s);
  const int n = 2 * q + s.uniform(1, 24);
  Layout layout(1, n - 2, 1);
  layout.add("slots", q);
  layout.add("queries", q);
  layout.add("data", p);
  layout.add("out", p);
  fleq_start(s, layout, q);
  const auto A = fleq_matrix(s, p, q, G, worst), B = fleq_matrix(s, q, n, G, worst);
  fleq_put_pairs(s, "data", p, q, [&](int i, int l) { return A[i][l]; });
  for (int j = 0; j < n; ++j)
    for (int l = 0; l < q; ++l) s.X(layout.row("queries", l), j) = B[l][j];
  const int scale = bounds::fleq_matmul_best_scale(q, G, G, n, fleq_scale_u(c));
  const int built = fleq_built_scale(scale, c);
  Case out;
  out.layer = blocks::fleq_matmul(layout, {"fleq_matmul", "slots", "queries", "data", "out", built});
  fleq_sabotage(out.layer, c.settings.sabotage);
  const double C = std::ldexp(1.0, scale);
  const double exact = c.hardmax ? bounds::kInfinity : bounds::fleq_matmul_exact(q, G, G, n, C);
  Check product{"A B", false, {}, c.hardmax ? bounds::kInfinity : bounds::fleq_matmul_total(q, G, G, n, C, c.u), exact};
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < p; ++i) {
      Rational y = 0;
      for (int l = 0; l < q; ++l) y += A[i][l] * B[l][j];
      product.entries.push_back({layout.row("out", i), j, y, false});
    }
  out.checks = {product};
  out.bound_function = c.hardmax ? "none under hardmax (no linear range)" : "bounds::fleq_matmul_total";
  out.detail = fmt::format("p {}, q {}, G {}, C 2^{}", p, q, G, scale);
  out.lambda = 1;
  return out;
}

}  // namespace

const LemmaCheck fleq_matmul_check{"fleq_matmul", "bounds::fleq_matmul_total", &make};

}  // namespace loopcert::analysis::lemma_checks
