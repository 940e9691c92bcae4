// Lemma check `fleq_int_snap` (blocks/fleq_int_snap.hpp, proofs/fleq_int_snap.md,
// bounds/fleq_int_snap.hpp): entries within 1/4 of an integer m, |m| <= K, on the
// indicated columns become m exactly; every other column is unchanged exactly (the bound
// is 0: fleq_int_snap_output + fleq_int_snap_rounding). Worst case: |m| = K and the entry
// exactly 1/4 away (the plateau's edge), every other entry +-G.
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_int_snap.hpp"
#include "bounds/fleq_int_snap.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 3), columns = s.uniform(3, 12), G = fleq_bound(s), K = s.uniform(1, 32);
  Layout layout(1, columns - 2, 1);
  layout.add("val", k);
  layout.add("is_int", 1);
  fleq_start(s, layout, k);
  const double M = bounds::fleq_int_snap_gate(G, K);
  Case out;
  out.layer = blocks::fleq_int_snap(layout, {"fleq_int_snap", "val", "is_int", K, Rational(static_cast<long>(M))});
  fleq_sabotage(out.layer, c.settings.sabotage);
  double exact = 0, largest_delta = 0;
  Check snapped{"snapped entries", false, {}, 0, 0};
  Check others{"other columns unchanged", false, {}, 0, 0};
  for (int col = 0; col < columns; ++col) {
    const bool is_int = s.uniform(0, 1) == 1;
    if (is_int) s.X(layout.row("is_int"), col) = 1;
    for (int i = 0; i < k; ++i) {
      if (!is_int) {
        s.X(layout.row("val", i), col) = fleq_entry(s, G, worst);
        others.entries.push_back({layout.row("val", i), col, Rational(0), true});
        continue;
      }
      const int m = worst ? K * (s.uniform(0, 1) ? 1 : -1) : s.uniform(-K, K);
      const Rational delta = worst ? random_side(s) / 4 : Rational(s.uniform(-256, 256), 1024);
      s.X(layout.row("val", i), col) = m + delta;
      largest_delta = std::max(largest_delta, std::abs(to_double(delta)));
      exact = std::max(exact, bounds::fleq_int_snap_output(std::abs(to_double(delta)), m, K));
      snapped.entries.push_back({layout.row("val", i), col, Rational(m), false});
    }
  }
  snapped.bound = bounds::add_up(exact, bounds::fleq_int_snap_rounding(K, M, c.u));
  snapped.exact_part = exact;
  out.checks = {snapped, others};
  out.bound_function = "bounds::fleq_int_snap_output + fleq_int_snap_rounding (exact: 0)";
  out.detail = fmt::format("k {}, K {}, G {}", k, K, G);
  out.delta = largest_delta;
  return out;
}

}  // namespace

const LemmaCheck fleq_int_snap_check{"fleq_int_snap", "bounds::fleq_int_snap_output", &make};

}  // namespace loopcert::analysis::lemma_checks
