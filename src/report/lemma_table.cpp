#include "report/lemma_table.hpp"

#include <fmt/format.h>

#include "analysis/lemma_checks.hpp"
#include "core/scalar_name.hpp"
#include "report/markdown.hpp"

namespace loopcert::report {

namespace {

struct Worst {
  double observed = 0, bound = 0, ratio = 0;
  bool holds = true;
};

Worst largest_ratio(const std::string& lemma, analysis::Inputs inputs, int trials) {
  Worst w;
  analysis::LemmaSettings settings;
  settings.inputs = inputs;
  for (int seed = 1; seed <= trials; ++seed) {
    const auto t = analysis::run_lemma_trial(lemma, parse_scalar("double"), static_cast<std::uint64_t>(seed), settings);
    w.holds = w.holds && t.holds;
    const double ratio = t.bound > 0 ? t.observed / t.bound : 0;
    if (seed == 1 || ratio > w.ratio) w = {t.observed, t.bound, ratio, w.holds};
  }
  return w;
}

std::string g3(double x) { return fmt::format("{:.3g}", x); }

}  // namespace

std::string lemma_table(int trials) {
  MarkdownTable t{{"lemma", "bound (exact part + rounding at double)", "worst case: observed", "bound there", "observed / bound",
                   "random: largest observed / bound", "verdict"},
                  {},
                  {}};
  for (const auto& lemma : analysis::lemma_names()) {
    const Worst worst = largest_ratio(lemma, analysis::Inputs::Adversarial, trials);
    const Worst random = largest_ratio(lemma, analysis::Inputs::Random, trials);
    analysis::LemmaSettings one;
    const std::string function = analysis::run_lemma_trial(lemma, parse_scalar("double"), 1, one).bound_function;
    t.add({lemma, "`" + function + "`", g3(worst.observed), g3(worst.bound), g3(worst.ratio), g3(random.ratio),
           worst.holds && random.holds ? "holds" : "VIOLATED"});
  }
  return t.str();
}

}  // namespace loopcert::report
