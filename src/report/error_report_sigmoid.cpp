// The sigmoid-lemma section of `loopcert report`: x^2 on -1..1 from m sigmoid heads,
// staircase against fitted, measured by `verify sigmoid`'s code (cert::verify_block: the
// bound and the largest error over its grid and random points) and drawn on a plot grid
// (analysis::evaluate runs the block with the engine; analysis::measure gives the error
// of each point in MPFR). `loopcert report sigmoid` keeps the longer study of every target.
#include <fmt/format.h>

#include "analysis/sigmoid_eval.hpp"
#include "cert/sigmoid_verify.hpp"
#include "report/detail/error_report_measure.hpp"
#include "report/error_report_figures.hpp"
#include "report/error_report_tables.hpp"
#include "report/sigmoid_output.hpp"

namespace loopcert::report {

namespace {
// Few enough terms that the staircase's steps are visible at the page's size.
constexpr int kTerms = 16;
constexpr int kPlotPoints = 401, kTrials = 100;
constexpr std::uint64_t kSeed = 1;
}  // namespace

namespace detail {

SigmoidSection sigmoid_section() {
  const approx::Target target = approx::make_target(approx::TargetKind::Square, std::nullopt);
  const ScalarSpec dbl = parse_scalar("double");
  SigmoidSection s;
  s.target = approx::target_name(target.kind);
  s.range = approx::range_text(target.lo, target.hi);
  s.scalar = dbl.name();
  s.terms = kTerms;
  const auto grid = analysis::sample_points(target, kPlotPoints, 0, kSeed);
  for (const auto& p : grid) {
    s.x.push_back(to_double(p.x));
    MpfrPrecisionScope scope(cert::measure_precision(dbl));
    s.target_values.push_back(static_cast<double>(approx::evaluate_target(target, p.x, p.y)));
  }
  for (const approx::Construction c : {approx::Construction::Staircase, approx::Construction::Fitted}) {
    const cert::VerifyRow v = cert::verify_block(target, c, kTerms, dbl, kTrials, kSeed);
    SigmoidCurve k{approx::construction_name(c), width_text(v.block), v.error.max_error, v.error.points,
                   v.bound.total, v.bound.approximation, v.bound.rounding, v.bound.certified, v.holds, {}, {}};
    const auto samples = analysis::evaluate(v.block, grid, dbl);
    if (samples.size() != grid.size()) throw std::logic_error("sigmoid section: a plot point left the range at double");
    for (const auto& smp : samples) {
      k.approximation.push_back(smp.finite ? to_double(smp.out) : INFINITY);
      k.error.push_back(analysis::measure(target, {smp}, cert::measure_precision(dbl)).max_error);
    }
    s.curves.push_back(std::move(k));
  }
  return s;
}

}  // namespace detail

ReportTable sigmoid_table(const SigmoidSection& s) {
  ReportTable t{"sigmoid", "Sigmoid lemma: " + s.target + " on " + s.range + " from " + std::to_string(s.terms) + " sigmoid heads", "",
                {"construction", "width", "max error (" + s.scalar + ")", "points", "bound", "approximation part", "rounding part", "kind", "max error / bound", "verdict"},
                {}, {}};
  t.caption = fmt::format(
      "The sigmoid lemma turns one softmax head into one sigmoid term; a sum of m terms approximates f. The staircase puts "
      "its steps at fixed knots (Theorem 2 bounds it a priori); the fitted sum chooses the weights by least squares and is "
      "bounded a posteriori by an MPFI certificate. Both bounds add Theorem 3's rounding term at {}. The error is measured "
      "by `loopcert verify sigmoid --f {} --terms {}` on its grid and random points; reproduce with that command.",
      s.scalar, s.target, s.terms);
  for (const auto& c : s.curves) {
    t.rows.push_back({c.construction, c.width, fmt_number(c.max_error), fmt_number(c.points), fmt_number(c.bound), fmt_number(c.bound_approximation),
                      fmt_number(c.bound_rounding), c.certified ? "certified" : "proved", fmt_number(c.bound > 0 ? c.max_error / c.bound : 0),
                      c.holds ? "holds" : "violated"});
    t.tone.push_back({0, 0, 0, 0, 0, 0, 0, 0, 0, c.holds ? 1 : -1});
  }
  return t;
}

std::vector<ReportFigure> sigmoid_figures(const SigmoidSection& s) {
  LinePlot values{fmt::format("Sigmoid lemma: f(x) = {} and its {}-head approximations", s.target, s.terms), "x",
                  "value", false, false, {}, {}};
  // The constructions in the colours of the error plot below; the target in black, drawn last and thin.
  for (const auto& c : s.curves) values.series.push_back({c.construction + " (" + c.width + ")", s.x, c.approximation, false, ""});
  values.series.push_back({"f(x) = " + s.target, s.x, s.target_values, false, "#000"});
  LinePlot errors{fmt::format("Sigmoid lemma: |approximation - f| at {}", s.scalar), "x", "absolute error (log scale)", true, true, {}, {}};
  for (std::size_t i = 0; i < s.curves.size(); ++i) {
    const auto& c = s.curves[i];
    errors.series.push_back({c.construction, s.x, c.error, false});
    errors.references.push_back({c.construction + " bound " + fmt_number(c.bound), c.bound, static_cast<int>(i)});
  }
  return {{"sigmoid-values", values.title,
           "The target and the block's output, computed by the engine at " + s.scalar + " on " + std::to_string(s.x.size()) +
               " equally spaced points. At this scale both sums lie on the target (the staircase's wiggles are its steps, smoothed "
               "by the sigmoid's width); the error plot below tells them apart.",
           render(values)},
          {"sigmoid-errors", errors.title,
           "The error of each construction at every plot point (computed in MPFR against f), with its bound as a dashed line. "
           "A point with an error of exactly 0 is drawn on the bottom tick, labelled 0.",
           render(errors)}};
}

}  // namespace loopcert::report
