// Lemma check `subtract` (blocks/subtract.hpp, proofs/subtract.md, bounds/subtract.hpp):
// b - a mod 2^N. Worst case: delta_max, every bit of each operand moved in one direction
// (a random direction per operand), so the adder's 2^q weights add the errors up.
#include <fmt/format.h>

#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/subtract.hpp"
#include "bounds/subtract.hpp"
#include "isa/subleq/twos_complement.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  s.delta = trial_delta(s, pow2(-(s.N + 2)), c.settings.noise, worst);
  const std::int64_t a = s.random_value(s.N), b = s.random_value(s.N);
  if (worst) {
    s.put_bits_aligned("val_a", s.work, compile::integer_bits(a, s.N), random_side(s));
    s.put_bits_aligned("val_b", s.work, compile::integer_bits(b, s.N), random_side(s));
  } else {
    s.put_bits("val_a", s.work, compile::integer_bits(a, s.N));
    s.put_bits("val_b", s.work, compile::integer_bits(b, s.N));
  }
  Case k;
  k.layer = blocks::subtract(s.layout, {});
  sabotage(k.layer, c.settings.sabotage);
  k.delta = to_double(s.delta), k.lambda = to_double(s.params.lambda);
  const double exact = bounds::subtract_output(s.N, k.delta);
  // The adder's own rounding on operands within delta (subtract_rounding_rows).
  const double rounding = bounds::max_of(bounds::subtract_rounding_rows(k.layer, rows_of(s.layout, "diff"), rows_of(s.layout, {"val_a", "val_b"}),
                                                                        s.layout.row("is_work"), k.delta, c.u));
  Check diff{"diff", false, {}, bounds::add_up(exact, rounding), exact};
  expect_bits(diff.entries, s.layout, "diff", s.work, compile::integer_bits(isa::wrapping_sub(b, a, s.N), s.N));
  expect_elsewhere(diff.entries, s.layout, "diff", s.work, false);
  k.checks = {diff};
  k.bound_function = "bounds::subtract_output";
  k.detail = fmt::format("{} - {}", b, a);
  return k;
}

}  // namespace

const LemmaCheck subtract_check{"subtract", "bounds::subtract_output", &make};

}  // namespace loopcert::analysis::lemma_checks
