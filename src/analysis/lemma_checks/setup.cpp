#include "analysis/lemma_checks/setup.hpp"

#include <fmt/format.h>

#include "isa/subleq/twos_complement.hpp"

namespace loopcert::analysis::lemma_checks {

void TrialSetup::put_bits(const std::string& block, int column, const std::vector<int>& bits, bool noise) {
  const RowBlock& b = layout.block(block);
  for (int k = 0; k < b.size; ++k) X(b.row(k), column) = noise ? noisy(bits[k]) : Rational(bits[k]);
}

void TrialSetup::put_bits_aligned(const std::string& block, int column, const std::vector<int>& bits, const Rational& side) {
  const RowBlock& b = layout.block(block);
  for (int k = 0; k < b.size; ++k) X(b.row(k), column) = shifted(bits[k], side * bits[k]);
}

std::int64_t TrialSetup::random_value(int bits) {
  return std::uniform_int_distribution<std::int64_t>(isa::min_signed(bits), isa::max_signed(bits))(rng);
}

std::vector<int> TrialSetup::code(int column) const { return compile::position_code(column, L); }

void TrialSetup::set_lambda(const Rational& lambda) { params.lambda = lambda; }

TrialSetup make_setup(std::uint64_t seed, int max_bits) {
  TrialSetup s(seed);
  auto& p = s.program;
  p.bits = s.uniform(2, max_bits);
  p.scratch = s.uniform(1, 3);
  const int m = s.uniform(1, 12), cmds = s.uniform(1, 12);
  for (int i = 0; i < m; ++i) {
    p.cell_names.push_back(fmt::format("c{}", i));
    p.memory.push_back(s.random_value(p.bits));
  }
  for (int j = 0; j < cmds; ++j) p.commands.push_back({s.uniform(0, m - 1), s.uniform(0, m - 1), s.uniform(0, cmds - 1), 0});
  s.layout = compile::subleq_layout(p);
  s.X = compile::encode(s.layout, p, s.uniform(0, cmds - 1), p.memory);
  s.work = s.layout.scratch().begin;
  s.n = s.layout.columns(), s.L = s.layout.address_bits(), s.N = p.bits;
  s.constants = compile::loop_constants(s.params);
  s.params.lambda = parse_rational(fmt::format("{}", bounds::default_lambda(s.n, s.L, s.constants)));
  return s;
}

Rational trial_delta(TrialSetup& s, const Rational& delta_max, double noise, bool adversarial) {
  if (adversarial) return delta_max * Rational(noise);
  return delta_max * Rational(s.uniform(0, 64), 64) * Rational(noise);
}

}  // namespace loopcert::analysis::lemma_checks
