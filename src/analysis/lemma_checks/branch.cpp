// Lemma check `branch` (blocks/branch.hpp, proofs/branch.md, bounds/branch.hpp):
// pc <- flag ? ins_c : next. Worst case: the flag moved by delta towards the middle
// (|g| = 2 delta in the selected part), the selected pointer's bits moved towards 0,
// delta at its admissible maximum: the error delta + 2 delta of the note.
#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/branch.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const auto& p = s.program;
  s.delta = trial_delta(s, Rational(1, 8), c.settings.noise, worst);
  const int f = s.uniform(0, 1);
  const int taken = p.command_column(s.uniform(0, p.command_count() - 1));
  const int fall = p.command_column(s.uniform(0, p.command_count() - 1));
  const int old_pc = p.command_column(s.uniform(0, p.command_count() - 1));
  if (worst) {
    s.X(s.layout.row("flag"), s.work) = s.shifted(f, Rational(f ? -1 : 1));
    s.put_bits_aligned("ins_c", s.work, s.code(taken), Rational(-1));
    s.put_bits_aligned("next", s.work, s.code(fall), Rational(-1));
  } else {
    s.X(s.layout.row("flag"), s.work) = s.noisy(f);
    s.put_bits("ins_c", s.work, s.code(taken));
    s.put_bits("next", s.work, s.code(fall));
  }
  s.put_bits("pc", s.work, s.code(old_pc));
  Case k;
  k.layer = blocks::branch(s.layout, {});
  sabotage(k.layer, c.settings.sabotage);
  k.delta = to_double(s.delta), k.lambda = to_double(s.params.lambda);
  const double exact = bounds::branch_output(k.delta, k.delta);
  Check pc{"pc", false, {}, bounds::add_up(exact, bounds::ffn_rounding(k.layer, c.u, 2)), exact};
  expect_bits(pc.entries, s.layout, "pc", s.work, s.code(f ? taken : fall));
  expect_elsewhere(pc.entries, s.layout, "pc", s.work, false);
  k.checks = {pc};
  k.bound_function = "bounds::branch_output";
  k.detail = f ? "taken" : "not taken";
  return k;
}

}  // namespace

const LemmaCheck branch_check{"branch", "bounds::branch_output", &make};

}  // namespace loopcert::analysis::lemma_checks
