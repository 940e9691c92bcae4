// One check per lemma, shared by the RapidCheck properties (properties/<lemma>.cpp) and
// `loopcert verify`: build the block alone on the layout of a random program, feed it a
// valid input with noise of size at most delta on the +-1 entries - random, or the
// lemma's worst case (Inputs::Adversarial: noise aligned to maximise the error, at the
// admissible delta, lambda at the edge) -, evaluate it at the chosen scalar, and compare
// the largest observed error with the bound function of bounds/<stem>.hpp. Each lemma's
// generators, ideal output and bound are one file of analysis/lemma_checks/.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/scalar_name.hpp"

namespace loopcert::analysis {

// A deliberately broken construction, for the negative checks.
enum class Sabotage {
  None,
  DoubleFirstOutputWeight,  // the first W2 entry of the block is doubled
  LowTemperature,           // lambda = 1/2, far below what the bounds need (attention lemmas)
};

// Random valid inputs, or the lemma's worst case.
enum class Inputs { Random, Adversarial };

struct LemmaSettings {
  Sabotage sabotage = Sabotage::None;
  Inputs inputs = Inputs::Random;
  double noise = 1;  // noise delta drawn up to noise * the lemma's admissible maximum
};

struct LemmaTrial {
  std::string lemma;
  std::uint64_t seed = 0;
  int n = 0, L = 0, N = 0;
  double lambda = 0;
  double delta = 0;     // noise level of this trial
  double observed = 0;  // largest error of the checked outputs
  double bound = 0;     // bound function + rounding part
  double exact_part = 0;  // the bound in exact arithmetic
  bool holds = true;     // observed <= bound (always true when not covered: nothing is claimed)
  // The range hypothesis (bounds/format_range.hpp) at the scalar: false when the format
  // cannot hold the layer's weights or its values may overflow; then bound = +infinity
  // and `not_covered` says why.
  bool covered = true;
  std::string not_covered;
  std::string bound_function;  // e.g. "bounds::read_attention"
  std::string checked;         // the check observed / bound are of ("attention copy", ...)
  std::string detail;          // what was checked, and where the worst error was
  Inputs inputs = Inputs::Random;
};

const std::vector<std::string>& lemma_names();  // read, write, increment, subtract, flag, branch, correct
bool is_lemma(const std::string& name);

// Deterministic in (lemma, scalar, seed, settings). Throws std::invalid_argument for an
// unknown lemma or a scalar that is not available.
LemmaTrial run_lemma_trial(const std::string& lemma, const ScalarSpec& scalar, std::uint64_t seed, const LemmaSettings& settings = {});

}  // namespace loopcert::analysis
