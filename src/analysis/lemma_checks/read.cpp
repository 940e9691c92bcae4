// Lemma check `read` (blocks/read.hpp, proofs/read.md, bounds/read.hpp): the addressed
// cell copied into the work column, then snapped to +-1 and cleared elsewhere.
// Worst case: every pointer coordinate moved towards 0 by delta (the target's score drops
// to L(1 - delta), a neighbour at Hamming distance k is 2 k (1 - delta) below), the
// target's bits moved towards 0, every other cell holding the opposite bits, moved away
// from 0 (the leak pulls by 2 + delta), delta at its admissible maximum and lambda at the
// edge (the smallest quarter for which the tight bound stays below the snap threshold).
#include <fmt/format.h>

#include <bit>
#include <cmath>

#include "analysis/lemma_checks/lemma_check.hpp"
#include "blocks/read.hpp"
#include "bounds/read.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

// The headline bound: the leak counted by Hamming distance (read.md, Lemma 2') plus rounding.
double attention_bound(const TrialSetup& s, const Context& c, double lambda, double delta) {
  return bounds::add_up(bounds::read_attention_tight(s.n, s.L, lambda, delta), bounds::rounding_attention(s.n, s.L, lambda, c.u, delta, c.exp));
}

Rational edge_lambda(const TrialSetup& s, const Context& c, double delta) {
  const double snap = to_double(s.params.snap);
  for (int quarters = 1; quarters <= 800; ++quarters)
    if (attention_bound(s, c, quarters / 4.0, delta) <= snap) return Rational(quarters, 4);
  return s.params.lambda;
}

// The memory cell whose column has the largest leak at the worst pointer: the sum over
// the other columns of e^(-lambda (z_t - z_j)), with z_t - z_j = 2 nu (1 - delta) for a code
// column at Hamming distance nu and L (1 - delta) for a scratch column.
int most_surrounded_cell(const TrialSetup& s, double lambda, double delta) {
  const int first_code = s.layout.scratch().end;
  auto leak = [&](int t) {
    double sum = first_code * std::exp(-lambda * s.L * (1 - delta));
    for (int j = first_code; j < s.n; ++j)
      if (j != t) sum += std::exp(-2 * lambda * (1 - delta) * std::popcount(static_cast<unsigned>(j ^ t)));
    return sum;
  };
  int best = 0;
  for (int m = 1; m < s.program.cells(); ++m)
    if (leak(s.program.memory_column(m)) > leak(s.program.memory_column(best))) best = m;
  return best;
}

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const auto& p = s.program;
  s.delta = trial_delta(s, Rational(1, 8 * s.L), c.settings.noise, worst);
  const double delta = to_double(s.delta);
  const Rational lambda = worst ? edge_lambda(s, c, delta) : s.params.lambda;
  use_lambda(s, c, lambda);
  const int cell = worst ? most_surrounded_cell(s, to_double(lambda), delta) : s.uniform(0, p.cells() - 1);
  const auto bits = compile::integer_bits(p.memory[cell], s.N);
  if (worst) {
    s.put_bits_aligned("ins_a", s.work, s.code(p.memory_column(cell)), Rational(-1));
    // R2 allows a source entry up to 1 + delta in every column: every column but the
    // target (commands and scratch too) holds the opposite bits, moved away from 0.
    std::vector<int> opposite(bits.size());
    for (std::size_t k = 0; k < bits.size(); ++k) opposite[k] = -bits[k];
    for (int j = 0; j < s.n; ++j)
      if (j == p.memory_column(cell)) s.put_bits_aligned("mem", j, bits, Rational(-1));
      else s.put_bits_aligned("mem", j, opposite, Rational(1));
  } else {
    s.put_bits("ins_a", s.work, s.code(p.memory_column(cell)));
    for (int m = 0; m < p.cells(); ++m) s.put_bits("mem", p.memory_column(m), compile::integer_bits(p.memory[m], s.N));
  }
  Case k;
  k.layer = blocks::read(s.layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, s.params);
  sabotage(k.layer, c.settings.sabotage);
  const double l = to_double(lambda);
  Check attention_tight{"attention copy (tight)", true, {}, attention_bound(s, c, l, delta), bounds::read_attention_tight(s.n, s.L, l, delta)};
  expect_bits(attention_tight.entries, s.layout, "val_a", s.work, bits);
  // Lemma 2's bound (n - 1 columns at gap 2 - 2 L delta) is checked too: it is never below.
  Check attention{"attention copy", true, attention_tight.entries,
                  bounds::add_up(bounds::read_attention(s.n, s.L, l, delta), bounds::rounding_attention(s.n, s.L, l, c.u, delta, c.exp)),
                  bounds::read_attention(s.n, s.L, l, delta)};
  // Exact after the snap when the computed copy is within e_s (exact part and rounding)
  // and the gate closes off the work column (read_output checks C_g).
  const double snap = to_double(s.params.snap);
  const bool snaps = attention_tight.bound <= snap && bounds::read_output(s.n, s.L, l, delta, snap, to_double(s.params.gate)) == 0;
  const double exact_after_snap = snaps ? 0 : bounds::kInfinity;
  // The snap's own rounding on copies within the attention bound (<= e_s when it snaps).
  const double snap_rounding =
      snaps ? bounds::snap_rounding(k.layer, rows_of(s.layout, "val_a"), s.layout.row("is_work"), attention_tight.bound, c.u) : bounds::kInfinity;
  Check snapped{"snapped copy", false, {}, bounds::add_up(exact_after_snap, snap_rounding), exact_after_snap};
  expect_bits(snapped.entries, s.layout, "val_a", s.work, bits);
  expect_elsewhere(snapped.entries, s.layout, "val_a", s.work, false);
  k.checks = {attention_tight, attention, snapped};
  k.bound_function = "bounds::read_attention_tight + rounding_attention, then exact after the snap (read_output)";
  k.detail = fmt::format("cell {}", cell);
  k.lambda = l, k.delta = delta;
  return k;
}

}  // namespace

const LemmaCheck read_check{"read", "bounds::read_attention_tight", &make};

}  // namespace loopcert::analysis::lemma_checks
