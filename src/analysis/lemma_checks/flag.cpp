// Lemma check `flag` (blocks/flag.hpp, proofs/flag.md, bounds/flag.hpp): [v <= 0].
// Worst case (proofs/flag.md: where N delta is attained): v = 0, every bit read as
// -1 - delta or every bit as -1 + delta, delta at its admissible maximum.
#include <fmt/format.h>

#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/flag.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  s.delta = trial_delta(s, Rational(1, 2 * s.N), c.settings.noise, worst);
  const std::int64_t v = worst ? 0 : (s.uniform(0, 3) == 0 ? 0 : s.random_value(s.N));  // zero often: its own ReLU
  if (worst) s.put_bits_aligned("diff", s.work, compile::integer_bits(v, s.N), random_side(s));
  else s.put_bits("diff", s.work, compile::integer_bits(v, s.N));
  Case k;
  k.layer = blocks::flag(s.layout, {});
  sabotage(k.layer, c.settings.sabotage);
  k.delta = to_double(s.delta), k.lambda = to_double(s.params.lambda);
  const double exact = bounds::flag_output(s.N, k.delta);
  Check flag{"flag", false, {}, bounds::add_up(exact, bounds::ffn_rounding(k.layer, c.u, 2)), exact};
  expect_bits(flag.entries, s.layout, "flag", s.work, {v <= 0 ? 1 : 0});
  expect_elsewhere(flag.entries, s.layout, "flag", s.work, false);
  k.checks = {flag};
  k.bound_function = "bounds::flag_output";
  k.detail = fmt::format("value {}", v);
  return k;
}

}  // namespace

const LemmaCheck flag_check{"flag", "bounds::flag_output", &make};

}  // namespace loopcert::analysis::lemma_checks
