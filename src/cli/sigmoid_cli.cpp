// `loopcert verify sigmoid` and `loopcert search terms` (cli/sigmoid_cli.hpp): check the
// flags, run cert/sigmoid_verify.hpp or cert/sigmoid_term_search.hpp, print through
// report/sigmoid_output.hpp.
#include "cli/sigmoid_cli.hpp"

#include "cli/flag_values.hpp"
#include "cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include "analysis/sigmoid_eval.hpp"
#include "approx/target.hpp"
#include "cert/sigmoid_term_search.hpp"
#include "cert/sigmoid_verify.hpp"
#include "core/scalar_name.hpp"
#include "core/table_reader.hpp"
#include "report/sigmoid_output.hpp"

namespace loopcert::cli {

namespace {

using approx::Construction;
using approx::Knot;
using approx::Target;
using approx::TargetKind;

// ---------------------------------------------------------------------------------
// Options -> problem, with the messages of issue 4's bad-input cases.

Target resolve_target(const std::string& f, const std::string& range, const std::string& table) {
  TargetKind kind;
  try {
    kind = approx::parse_target_kind(f);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--f: ") + e.what());
  }
  std::vector<Knot> knots;
  if (kind == TargetKind::Table) {
    if (table.empty()) throw UsageError("--f table needs --table FILE (one 'x y' point per line, x strictly increasing)");
    try {
      knots = read_table(table);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--table: ") + e.what());
    }
  } else if (!table.empty()) {
    throw UsageError("--table is only used with --f table (got --f " + f + ")");
  }
  std::optional<std::pair<Rational, Rational>> r;
  if (!range.empty()) {
    try {
      r = approx::parse_range(range);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--range: ") + e.what());
    }
    check_range_flag("--range", r->first, r->second, range);
  }
  try {
    return approx::make_target(kind, r, knots);
  } catch (const std::invalid_argument& e) {
    if (kind != TargetKind::Table || r) throw UsageError(std::string("--range: ") + e.what());
    // No --range: the range is the table's own x-range, so the culprit is the point at
    // its far end, named by file:line (issue 16, item 6).
    const Knot& end = abs(knots.front().x) > abs(knots.back().x) ? knots.front() : knots.back();
    throw UsageError("--table: " + table + ":" + std::to_string(end.line) + ": x = " + to_string(end.x) +
                     " ends the table's x-range, which is the range when no --range is given: " + e.what());
  }
}

ScalarSpec resolve_scalar(const std::string& name) {
  ScalarSpec s;
  s = scalar_flag(name);
  if (const std::string why = analysis::unsupported_reason(s); !why.empty()) throw UsageError("--scalar: " + why);
  return s;
}

std::vector<Construction> resolve_constructions(const std::string& text) {
  if (text == "staircase") return {Construction::Staircase};
  if (text == "fitted") return {Construction::Fitted};
  if (text == "both") return {Construction::Staircase, Construction::Fitted};
  throw UsageError("--construction must be staircase, fitted or both (got '" + text + "')");
}

constexpr int kMaxTerms = 65536;
// The fitted sum's least squares holds an (8m + 64) x (m + 1) long double matrix:
// 135 MB at m = 1024.
constexpr int kMaxFittedTerms = 1024;

void check_terms(int m, const std::string& option = "--terms", bool fitted = false) {
  if (m < 1) throw UsageError(option + " must be at least 1 (got " + std::to_string(m) + ")");
  if (m > kMaxTerms) throw UsageError(option + " must be at most " + std::to_string(kMaxTerms) + " (got " + std::to_string(m) + ")");
  if (fitted && m > kMaxFittedTerms)
    throw UsageError(option + " must be at most " + std::to_string(kMaxFittedTerms) +
                     " for the fitted construction (its least-squares matrix has (8m + 64) x (m + 1) entries; got " + std::to_string(m) +
                     "); use --construction staircase for more terms");
}

bool has_fitted(const std::vector<Construction>& constructions) {
  return std::find(constructions.begin(), constructions.end(), Construction::Fitted) != constructions.end();
}

// What `search terms` will do, at most, before it starts: the steps of each part.
std::string search_terms_size_line(const Target& target, const ScalarSpec& scalar, const SearchTermsOptions& o,
                                   const cert::TermSearchSize& size) {
  std::string text = "search terms: " + approx::target_name(target.kind) + " on " + approx::range_text(target.lo, target.hi) + " at " +
                     scalar.name() + ", error target " + o.error + ": at most " + std::to_string(size.total()) + " steps";
  const std::string points = " (1024 + 8m grid points and " + std::to_string(o.trials) + " random points each)";
  if (size.staircase_measured > 0)
    text += "; staircase: " + std::to_string(size.staircase_measured) + " measurements at m <= " + std::to_string(o.max_terms) + points;
  if (size.fitted_bounds > 0)
    text += "; fitted: " + std::to_string(size.fitted_bounds) + " certified fits at m <= " + std::to_string(o.max_fitted_terms) +
            " (each a QR solve of an (8m + 66) x (m + 1) long double matrix per candidate width, a certificate of at most " +
            std::to_string(cert::CertifyOptions{}.max_cells) + " cells per channel) and " + std::to_string(size.fitted_measured) +
            " measurements" + points;
  text += "; then at most " + std::to_string(cert::kPrecisionStepsAtMost) +
          " measurements per construction at one m (MPFR precisions and 7 formats, 258 + " + std::to_string(o.trials) + " points each)";
  return text;
}

}  // namespace

void add_sigmoid_verify_options(CLI::App& verify, SigmoidOptions& options) {
  verify.add_option("--f", options.f, "sigmoid: function to approximate (" + approx::target_names_help() + ")")->capture_default_str();
  verify.add_option("--range", options.range, "sigmoid: range LO..HI (default: the function's own, e.g. -1..1 for x^2)");
  verify.add_option("--terms", options.terms, "sigmoid: number of sigmoid terms m (heads; x*y uses 2m)")->capture_default_str();
  verify.add_option("--construction", options.construction, "sigmoid: staircase, fitted or both")->capture_default_str();
  verify.add_option("--table", options.table, "sigmoid: table FILE for --f table (lines 'x y', x strictly increasing)");
}

int run_verify_sigmoid(const SigmoidOptions& options, const VerifyCommon& common) {
  const Target target = resolve_target(options.f, options.range, options.table);
  const auto constructions = resolve_constructions(options.construction);
  check_terms(options.terms, "--terms", has_fitted(constructions));
  const ScalarSpec scalar = resolve_scalar(common.scalar);
  if (common.trials < 0) throw UsageError("--trials must be at least 0");
  // The certificate's progress on stderr, also with --json (issue 16, item 3).
  std::unique_ptr<Progress> progress, fit_progress;
  cert::CertifyOptions certify;
  // The fit's least squares (minutes at m = 1024): one line per candidate width, per channel.
  const int m = options.terms;
  certify.on_fit_width = [&, m](int done, int widths) {
    if (!fit_progress)
      fit_progress = std::make_unique<Progress>("verify sigmoid: the fitted sum's least squares, " + std::to_string(widths) +
                                                    " candidate widths per channel, each a QR solve of a " + std::to_string(8 * m + 66) +
                                                    " x " + std::to_string(m + 1) + " long double matrix and an error estimate on " +
                                                    std::to_string(16 * m + 1001) + " points",
                                                "widths", widths);
    fit_progress->tick(done);
    if (done == widths) fit_progress.reset();  // the next channel, if any, starts a new line
  };
  certify.on_cells = [&](long cells, long at_most) {
    if (!progress)
      progress = std::make_unique<Progress>("verify sigmoid: the certificate of the fitted sum, at most " + std::to_string(at_most) +
                                                " cells of branch and bound",
                                            "cells", at_most);
    progress->tick(cells);
  };
  // Measuring the points at the scalar: up to 66560 + trials points through 65536 heads.
  std::unique_ptr<Progress> point_progress;
  certify.on_points = [&](std::size_t done, std::size_t total) {
    progress.reset();  // the certificate, if any, is done: its line is cleared
    if (!point_progress)
      point_progress = std::make_unique<Progress>("verify sigmoid: measuring " + std::to_string(total) + " points through " +
                                                      std::to_string(m) + " terms per channel at " + scalar.name(),
                                                  "points", static_cast<std::int64_t>(total));
    point_progress->tick(static_cast<std::int64_t>(done));
    if (done == total) point_progress.reset();  // the next construction starts a new line
  };
  const cert::VerifyResult r =
      cert::verify_sigmoid(target, constructions, options.construction, options.terms, scalar, common.trials, common.seed, certify);
  if (progress) progress->finish();
  if (common.json) std::cout << report::verify_sigmoid_json(r).dump(2) << "\n";
  else report::print_verify_sigmoid(std::cout, r);
  // An infinite bound verifies nothing (issue 16, item 5): not a pass.
  const bool vacuous = std::any_of(r.rows.begin(), r.rows.end(), [](const cert::VerifyRow& row) { return !std::isfinite(row.bound.total); });
  if (vacuous)
    std::cerr << "verify sigmoid: vacuous: a bound is infinite at " << r.scalar.name() << ", so nothing is verified (exit 1)\n";
  return r.all_hold && !vacuous ? kSuccess : kCheckFailed;
}

int run_search_terms(const SearchTermsOptions& o) {
  const Target target = resolve_target(o.f, o.range, o.table);
  const auto constructions = resolve_constructions(o.construction);
  const ScalarSpec scalar = resolve_scalar(o.scalar);
  if (o.error.empty()) throw UsageError("--error is required (e.g. --error 1e-3)");
  const double E = to_double(positive_flag("--error", o.error));
  if (o.terms) check_terms(*o.terms, "--terms", has_fitted(constructions));
  check_terms(o.max_terms, "--max-terms");
  check_terms(o.max_fitted_terms, "--max-fitted-terms", true);
  if (o.trials < 0) throw UsageError("--trials must be at least 0");
  // Its size first, then progress on stderr, also with --json (issue 16, item 3).
  const cert::TermSearchSize size = cert::search_terms_size(constructions, o.max_terms, o.max_fitted_terms, o.terms);
  std::cerr << search_terms_size_line(target, scalar, o, size) << "\n";
  Progress line("search terms: steps done, of at most " + std::to_string(size.total()), "steps", size.total());
  std::int64_t steps = 0;
  cert::TermProgress progress;
  progress.log = [&](const std::string& text) { line.note(text); };
  progress.step = [&](std::int64_t done) { line.tick(steps = done); };
  progress.inner = [&](const std::string& what, long done, long total) {
    line.tick(steps, what + " " + std::to_string(done) + " of " + std::to_string(total));
  };
  const cert::SearchTermsResult r =
      cert::search_terms(target, constructions, scalar, E, o.trials, o.seed, o.max_terms, o.max_fitted_terms, o.terms, progress);
  line.finish();
  if (o.json) std::cout << report::search_terms_json(r).dump(2) << "\n";
  else report::print_search_terms(std::cout, r);
  return kSuccess;
}

void add_search_terms_command(CLI::App& search, Handler& handler) {
  auto opts = std::make_shared<SearchTermsOptions>();
  CLI::App* sub = search.add_subcommand("terms", "smallest number of sigmoid terms for an error target (sigmoid lemma)");
  sub->add_option("--f", opts->f, "function (" + approx::target_names_help() + ")")->capture_default_str();
  sub->add_option("--range", opts->range, "range LO..HI (default: the function's own)");
  sub->add_option("--table", opts->table, "table FILE for --f table");
  sub->add_option("--error", opts->error, "error target E, e.g. 1e-3")->required();
  sub->add_option("--scalar", opts->scalar, "scalar to measure at (" + scalar_names_help() + ")")->capture_default_str();
  sub->add_option("--construction", opts->construction, "staircase, fitted or both")->capture_default_str();
  sub->add_option("--terms", opts->terms, "m for the precision/format part (default: the measured minimum)");
  sub->add_option("--max-terms", opts->max_terms, "staircase measurement cap")->capture_default_str();
  sub->add_option("--max-fitted-terms", opts->max_fitted_terms, "fitted search cap")->capture_default_str();
  sub->add_option("--trials", opts->trials, "random points per measurement")->capture_default_str();
  sub->add_option("--seed", opts->seed, "random seed")->capture_default_str();
  sub->add_flag("--json", opts->json, "one JSON object on stdout");
  sub->callback([opts, &handler] { handler = [opts] { return run_search_terms(*opts); }; });
}

}  // namespace loopcert::cli
