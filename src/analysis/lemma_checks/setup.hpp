// What every lemma check's generator starts from: a random program's layout and ideal
// punchcard, the construction's parameters at its default temperature, and the random
// source for inputs and noise (private to analysis/lemma_checks).
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "blocks/shared/params.hpp"
#include "bounds/subleq_loop.hpp"
#include "compile/subleq/compiler.hpp"

namespace loopcert::analysis::lemma_checks {

struct TrialSetup {
  std::mt19937_64 rng;
  isa::SubleqProgram program;
  Layout layout{1, 1, 1};
  Matrix<Rational> X;  // the block's input, exact
  blocks::BlockParams params;
  bounds::LoopConstants constants;
  Rational delta = 0;
  int work = 0;
  int n = 0, L = 0, N = 0;

  explicit TrialSetup(std::uint64_t seed) : rng(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  // An ideal value plus noise uniform on a grid of [-delta, delta] (exact rationals).
  Rational noisy(const Rational& ideal) { return ideal + delta * Rational(uniform(-512, 512), 512); }
  // An ideal value moved by exactly `side` * delta (side in [-1, 1]): aligned noise.
  Rational shifted(const Rational& ideal, const Rational& side) const { return ideal + delta * side; }
  void put_bits(const std::string& block, int column, const std::vector<int>& bits, bool noise = true);
  // Every bit moved by side * delta times its own sign (side -1: towards 0, +1: away).
  void put_bits_aligned(const std::string& block, int column, const std::vector<int>& bits, const Rational& side);
  std::int64_t random_value(int bits);
  std::vector<int> code(int column) const;
  // Sets the construction's temperature (a dyadic number: exact in every format).
  void set_lambda(const Rational& lambda);
};

// A random program with at most max_bits-bit integers, its encoded punchcard, and the
// construction at its default temperature.
TrialSetup make_setup(std::uint64_t seed, int max_bits);

// Noise for this trial: random, up to `noise` times the admissible delta_max (on a grid
// of 64 levels); adversarial: delta_max itself.
Rational trial_delta(TrialSetup& s, const Rational& delta_max, double noise, bool adversarial);

}  // namespace loopcert::analysis::lemma_checks
