// The lemma table of `loopcert report` (issue 13), in the style of Boost.Math's accuracy
// tables: per lemma and scalar, the largest error `loopcert verify`'s lemma checks observe
// on random and on worst-case valid inputs, the bound, and observed / bound. The trials
// are analysis::run_lemma_trial's, with verify's seeds (splitmix64 of seed 1).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "analysis/lemma_checks.hpp"
#include "analysis/trial_seed.hpp"
#include "report/detail/error_report_measure.hpp"
#include "report/error_report_figures.hpp"
#include "report/error_report_tables.hpp"

namespace loopcert::report {

namespace {

using analysis::trial_seed;  // verify's seeds (analysis/trial_seed.hpp): rows reproduce with `verify`

double ratio(const analysis::LemmaTrial& t) { return t.bound > 0 ? t.observed / t.bound : (t.observed > 0 ? INFINITY : 0); }

std::string ratio_cell(double observed, double bound, double r) {
  return fmt::format("{} of {} ({})", fmt_number(observed), fmt_number(bound), fmt_number(r));
}

}  // namespace

namespace detail {

int lemma_trials(bool quick) { return quick ? 25 : 200; }

LemmaRow lemma_row(const std::string& lemma, const ScalarSpec& scalar, int trials) {
  LemmaRow row;
  row.lemma = lemma;
  row.scalar = scalar.name();
  row.trials = trials;
  int not_covered = 0;
  std::string reason;
  try {
    for (const analysis::Inputs inputs : {analysis::Inputs::Random, analysis::Inputs::Adversarial})
      for (int i = 0; i < trials; ++i) {
        analysis::LemmaSettings settings;
        settings.inputs = inputs;
        const analysis::LemmaTrial t = analysis::run_lemma_trial(lemma, scalar, trial_seed(1, i), settings);
        row.bound_function = t.bound_function;
        // Outside the bound's range hypothesis at this scalar: no bound, no ratio (bounds/format_range.hpp).
        if (!t.covered) {
          if (!not_covered++) reason = t.not_covered;
          continue;
        }
        const bool random = inputs == analysis::Inputs::Random;
        double& observed = random ? row.random_observed : row.worst_observed;
        if (t.observed >= observed) observed = t.observed, (random ? row.random_bound : row.worst_bound) = t.bound;
        double& r = random ? row.random_ratio : row.worst_ratio;
        r = std::max(r, ratio(t));
        if (!t.holds) ++row.violations;
      }
  } catch (const std::invalid_argument& e) {
    row = LemmaRow{lemma, scalar.name(), "", trials, 0, 0, 0, 0, 0, 0, 0, e.what()};
  }
  // The cells are over the covered trials; the bound's column says which were not.
  if (not_covered) row.bound_function += fmt::format(" (not covered in {} of {} trials: {})", not_covered, 2 * trials, reason);
  return row;
}

}  // namespace detail

ReportTable lemma_table(const ErrorReport& r) {
  ReportTable t{"lemmas", "Lemma table: observed error against the bound", "",
                {"lemma", "scalar", "random: max observed of bound (max observed / bound)", "worst case: max observed of bound (max observed / bound)",
                 "violations", "bound (src/bounds/, proofs/)"},
                {}, {}};
  const int trials = r.lemmas.empty() ? 0 : r.lemmas.front().trials;
  t.caption = fmt::format(
      "Each lemma's block alone, fed {} random valid inputs and {} worst-case inputs (noise aligned to maximise the error, at the "
      "admissible delta, lambda at the edge) by `loopcert verify`'s lemma checks (src/analysis/lemma_checks/), at each scalar. "
      "A cell gives the largest observed error, the bound at that trial, and the largest observed / bound over the trials. "
      "A ratio above 1 is a violated bound. Reproduce a row with `loopcert verify LEMMA --scalar S --trials {}`.",
      trials, trials, trials);
  for (const auto& l : r.lemmas) {
    if (!l.unavailable.empty()) {
      t.rows.push_back({l.lemma, l.scalar, "not run: " + l.unavailable, "-", "-", "-"});
      t.tone.push_back({0, 0, 0, 0, 0, 0});
      continue;
    }
    t.rows.push_back({l.lemma, l.scalar, ratio_cell(l.random_observed, l.random_bound, l.random_ratio),
                      ratio_cell(l.worst_observed, l.worst_bound, l.worst_ratio), fmt_number(l.violations), l.bound_function});
    const int tone = l.violations == 0 ? 1 : -1;
    t.tone.push_back({0, 0, l.random_ratio <= 1 ? 0 : -1, l.worst_ratio <= 1 ? 0 : -1, tone, 0});
  }
  return t;
}

ReportFigure lemma_figure(const ErrorReport& r) {
  Heatmap h;
  h.title = "Lemma checks: largest observed error / bound (1 = the bound is attained)";
  h.x_label = "scalar";
  h.y_label = "lemma";
  h.value_label = "observed / bound (log)";
  h.log_color = true;
  h.lo = 1e-4;
  h.hi = 1;
  for (const auto& s : r.scalars) h.x_ticks.push_back(s);
  for (const auto& l : r.lemmas)
    if (h.y_ticks.empty() || h.y_ticks.back() != l.lemma) h.y_ticks.push_back(l.lemma);
  h.values.assign(h.y_ticks.size(), std::vector<double>(h.x_ticks.size(), NAN));
  for (const auto& l : r.lemmas) {
    const auto row = std::find(h.y_ticks.begin(), h.y_ticks.end(), l.lemma) - h.y_ticks.begin();
    const auto col = std::find(h.x_ticks.begin(), h.x_ticks.end(), l.scalar) - h.x_ticks.begin();
    if (col >= static_cast<long>(h.x_ticks.size()) || !l.unavailable.empty()) continue;
    // A violated bound (ratio above 1, or an infinite error) is drawn dark and outlined.
    h.values[row][col] = std::clamp(std::max(l.random_ratio, l.worst_ratio), 1e-4, 1.0);
    if (l.violations > 0) h.marked.emplace_back(row, col);
  }
  h.marked_name = "outlined in red: a bound violated in some trial (see the violations column)";
  return {"lemma-ratios", h.title,
          "The larger of the two observed / bound ratios of the lemma table (random and worst-case inputs), per lemma and scalar. "
          "Dark cells are tight bounds (the worst case reaches them); light cells are bounds far above what was observed, "
          "usually because the rounding term dominates at a narrow scalar. Ratios below 1e-4 (and 0) are drawn as 1e-4; a cell "
          "outlined in red had a violated bound; grey: the scalar cannot run the check.",
          render(h)};
}

}  // namespace loopcert::report
