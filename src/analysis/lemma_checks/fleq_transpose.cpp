// Lemma check `fleq_transpose` (blocks/fleq_transpose.hpp, proofs/fleq_transpose.md,
// bounds/fleq_transpose.hpp): A^T as the product head with one-hot queries, output column
// j within fleq_transpose_total of row j of A, and exactly 0 on every column whose
// queries are 0. Worst case: every entry +-G (every live score +-G / C). Hardmax has no
// linear range: at `exact` only the exact zeros are checked.
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_transpose.hpp"
#include "bounds/fleq_transpose.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 4), q = s.uniform(1, k), p = s.uniform(1, k), G = fleq_bound(s);
  const int n = 2 * p + q + s.uniform(0, 24);
  Layout layout(1, n - 2, 1);
  layout.add("keys", q);
  layout.add("offsets", q);
  layout.add("slots", p);
  layout.add("out", p);
  fleq_start(s, layout, q);
  const auto A = fleq_matrix(s, q, p, G, worst);
  fleq_put_pairs(s, "keys", q, p, [&](int r, int i) { return A[r][i]; });
  auto output = [&](int j) { return 2 * p + j; };
  for (int j = 0; j < q; ++j) s.X(layout.row("offsets", j), output(j)) = 1;
  const int scale = bounds::fleq_transpose_best_scale(q, p, G, n, fleq_scale_u(c));
  const int built = fleq_built_scale(scale, c);
  Case out;
  out.layer = blocks::fleq_transpose(layout, {"fleq_transpose", "keys", "offsets", "slots", "out", built});
  fleq_sabotage(out.layer, c.settings.sabotage);
  const double C = std::ldexp(1.0, scale);
  const double exact = c.hardmax ? bounds::kInfinity : bounds::fleq_transpose_exact(p, G, n, C);
  Check transposed{"A^T", false, {}, c.hardmax ? bounds::kInfinity : bounds::fleq_transpose_total(q, p, G, n, C, c.u), exact};
  Check zeros{"zero off the output columns", false, {}, 0, 0};
  for (int col = 0; col < n; ++col)
    for (int i = 0; i < p; ++i) {
      const int j = col - 2 * p;
      if (j >= 0 && j < q) transposed.entries.push_back({layout.row("out", i), col, A[j][i], false});
      else zeros.entries.push_back({layout.row("out", i), col, Rational(0), false});
    }
  out.checks = {transposed, zeros};
  out.bound_function = c.hardmax ? "exact zeros only under hardmax (no linear range)" : "bounds::fleq_transpose_total";
  out.detail = fmt::format("q {}, p {}, G {}, C 2^{}", q, p, G, scale);
  out.lambda = 1;
  return out;
}

}  // namespace

const LemmaCheck fleq_transpose_check{"fleq_transpose", "bounds::fleq_transpose_total", &make};

}  // namespace loopcert::analysis::lemma_checks
