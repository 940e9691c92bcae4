// Lemma check `correct` (blocks/correct.hpp, proofs/correct.md, bounds/correct.hpp): the
// staircase maps [b - e, b + e] to b in {-1, 0, 1}. Worst case: every entry exactly at
// b + e or b - e (a random side per entry), the edges of the staircase's flat steps.
#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/correct.hpp"
#include "bounds/correct.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  s.delta = trial_delta(s, s.params.threshold, c.settings.noise, worst);
  const RowBlock& mem = s.layout.block("mem");
  Check entries{"every mem entry", false, {}, 0, 0};
  for (int r = 0; r < mem.size; ++r)
    for (int j = 0; j < s.n; ++j) {
      const Rational ideal(s.uniform(-1, 1));
      s.X(mem.row(r), j) = worst ? s.shifted(ideal, random_side(s)) : s.noisy(ideal);
      entries.entries.push_back({mem.row(r), j, ideal, false});
    }
  Case k;
  k.layer = blocks::correct(s.layout, {"correct", {"mem"}}, s.params);
  sabotage(k.layer, c.settings.sabotage);
  k.delta = to_double(s.delta), k.lambda = to_double(s.params.lambda);
  entries.exact_part = bounds::correct_output(k.delta, to_double(s.params.threshold));
  entries.bound = bounds::add_up(entries.exact_part, bounds::correct_rounding(k.layer, rows_of(s.layout, "mem"), k.delta, c.u));
  k.checks = {entries};
  k.bound_function = "bounds::correct_output";
  return k;
}

}  // namespace

const LemmaCheck correct_check{"correct", "bounds::correct_output", &make};

}  // namespace loopcert::analysis::lemma_checks
