// Lemma check `write` (blocks/write.hpp, proofs/write.md, bounds/write.hpp): the work
// column's diff into the addressed memory column; every other cell bit for bit
// unchanged, the buffers cleared.
// Worst case: the old cell holding the opposite bits moved away from 0, and either (at
// the admissible delta and the default lambda) the pointer (1 - delta) p_t and diff moved
// towards 0, so the tie and the leak both pull the hit weight h below 1/2 (write.md,
// Lemma 2: the extreme of h is at R = 1 / rho, Q' = Q), or (issue 10, defect 1 is its
// model) a tiny delta (2^-60, 2^-63) at a large lambda (30, 200) with the pointer
// (1 + delta) p_t and diff away from 0 (h > 1/2), where the tanh term is what a double
// evaluation of the bound lost.
// Under hardmax the tie is exact only for an exact pointer (proofs/write.md, "Hardmax"):
// no pointer noise there.
#include <fmt/format.h>

#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/write.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const auto& p = s.program;
  const int regime = worst ? s.uniform(0, 2) : 0;  // 0: delta_max, default lambda; 1, 2: tiny delta, large lambda
  s.delta = regime == 0 ? trial_delta(s, Rational(1, 32 * s.L), c.settings.noise, worst) : pow2(regime == 1 ? -60 : -63);
  const Rational lambda = regime == 0 ? s.params.lambda : Rational(regime == 1 ? 30 : 200);
  use_lambda(s, c, lambda);
  const double delta = to_double(s.delta), l = to_double(lambda);
  const int cell = s.uniform(0, p.cells() - 1), column = p.memory_column(cell);
  const std::int64_t value = worst ? -1 : s.random_value(s.N);  // -1: every bit +1
  const auto bits = compile::integer_bits(value, s.N);
  if (worst) {
    // regime 0: the pointer shrunk (h < 1/2, as the leak pushes it) and diff towards 0;
    // regimes 1, 2: the pointer grown (h > 1/2) and diff away from 0 (write.md, Lemma 2).
    const Rational side(regime == 0 ? -1 : 1);
    if (!c.hardmax) s.put_bits_aligned("ins_b", s.work, s.code(column), side);
    else s.put_bits("ins_b", s.work, s.code(column), false);
    s.put_bits_aligned("diff", s.work, bits, side);
    for (int m = 0; m < p.cells(); ++m) {
      std::vector<int> old = compile::integer_bits(p.memory[m], s.N);
      if (m == cell)
        for (auto& b : old) b = -1;  // opposite of the new bits
      s.put_bits_aligned("mem", p.memory_column(m), old, Rational(1));
    }
  } else {
    s.put_bits("ins_b", s.work, s.code(column), !c.hardmax);
    s.put_bits("diff", s.work, bits);
    for (int m = 0; m < p.cells(); ++m) s.put_bits("mem", p.memory_column(m), compile::integer_bits(p.memory[m], s.N));
  }
  Case k;
  k.layer = blocks::write(s.layout, {"write", "ins_b", "diff", "mem", "wbuf", "whit"}, s.params);
  sabotage(k.layer, c.settings.sabotage);
  const double C = to_double(s.params.write_gate);
  const double exact = bounds::write_output(s.n, s.L, l, delta, C);
  using bounds::add_up;
  const double rounding =
      add_up(bounds::mul_up(2 * C + 2, bounds::rounding_attention(s.n, s.L, l, c.u, delta, c.exp)), bounds::ffn_rounding(k.layer, c.u, 2));
  Check written{"written cell", false, {}, add_up(exact, rounding), exact};
  expect_bits(written.entries, s.layout, "mem", column, bits);
  Check others{"other cells moved", false, {}, 0, 0};
  expect_elsewhere(others.entries, s.layout, "mem", column, true);
  Check buffers{"buffers left", false, {}, 0, 0};
  expect_elsewhere(buffers.entries, s.layout, "wbuf", -1, false);
  expect_elsewhere(buffers.entries, s.layout, "whit", -1, false);
  // The headline: the hit weight computed exactly, the leak counted by Hamming distance (write.md, Lemma 2).
  const double tight = bounds::write_output_tight(s.n, s.L, l, delta, C);
  Check written_tight{"written cell (tight)", false, written.entries, add_up(tight, rounding), tight};
  k.checks = {written_tight, written, others, buffers};
  k.bound_function = "bounds::write_output_tight; other cells and buffers exactly unchanged/cleared";
  k.detail = fmt::format("cell {} written", cell);
  k.lambda = l, k.delta = delta;
  return k;
}

}  // namespace

const LemmaCheck write_check{"write", "bounds::write_output_tight", &make};

}  // namespace loopcert::analysis::lemma_checks
