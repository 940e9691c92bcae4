// Lemma check `increment` (blocks/increment.hpp, proofs/increment.md,
// bounds/increment.hpp): pc + 1 mod 2^L. Worst case: every pc bit moved by delta_max in
// the same direction (all towards 0, or all away: the adder's weights 2^q add them up).
#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/increment.hpp"
#include "bounds/increment.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const auto& p = s.program;
  s.delta = trial_delta(s, pow2(-(s.L + 1)), c.settings.noise, worst);
  const int column = p.command_column(s.uniform(0, p.command_count() - 1));
  if (worst) s.put_bits_aligned("pc", s.work, s.code(column), random_side(s));
  else s.put_bits("pc", s.work, s.code(column));
  Case k;
  k.layer = blocks::increment(s.layout, {});
  sabotage(k.layer, c.settings.sabotage);
  k.delta = to_double(s.delta), k.lambda = to_double(s.params.lambda);
  const double exact = bounds::increment_output(s.L, k.delta);
  const double rounding = bounds::increment_rounding(k.layer, rows_of(s.layout, "next"), rows_of(s.layout, "pc"), s.layout.row("is_work"), k.delta, c.u);
  Check next{"next", false, {}, bounds::add_up(exact, rounding), exact};
  expect_bits(next.entries, s.layout, "next", s.work, s.code((column + 1) % (1 << s.L)));
  expect_elsewhere(next.entries, s.layout, "next", s.work, false);
  k.checks = {next};
  k.bound_function = "bounds::increment_output";
  return k;
}

}  // namespace

const LemmaCheck increment_check{"increment", "bounds::increment_output", &make};

}  // namespace loopcert::analysis::lemma_checks
