// `search terms` as data: the smallest number of sigmoid terms m whose bound (a priori
// for the staircase, certified for the fitted sum, plus Theorem 3 at the scalar) and
// whose measured error are at most an error target, and, for one m, the smallest MPFR
// precision (measured and predicted) and which formats keep the error below the target.
// Progress through TermProgress (the command line draws it on stderr). In cert/ because
// the fitted bound is the MPFI certificate.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/sigmoid_eval.hpp"
#include "approx/sigmoid_sum.hpp"
#include "approx/target.hpp"
#include "blocks/sigmoid.hpp"
#include "bounds/sigmoid.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cert {

// The smallest m in [1, cap] with ok(m), by doubling then bisection (assumes ok is
// monotone in m); none when ok(cap) fails.
std::optional<int> smallest(int cap, const std::function<bool(int)>& ok);
// The most calls of ok that smallest(cap, ok) makes, over every monotone ok.
int smallest_calls_at_most(int cap);

// Progress of a term search (issue 16, item 3). A step is one measurement (at one m, or
// at one precision or format) or one fitted sum's certified bound; `inner` reports inside
// a step: `what` (e.g. "fitted m = 512: certificate cells") so far, of at most `total`.
// Each may be null; with no `log`, the step results go to stderr.
struct TermProgress {
  std::function<void(const std::string& line)> log;  // each step's result
  std::function<void(std::int64_t steps)> step;     // steps done so far
  std::function<void(const std::string& what, long done, long total)> inner;
};

// Blocks, measurements and bounds for one target, scalar and error target, each
// computed once.
class TermSearch {
 public:
  TermSearch(approx::Target target, ScalarSpec scalar, double error, int trials, std::uint64_t seed, TermProgress progress = {});
  const blocks::SigmoidBlock& block(approx::Construction c, int m);
  analysis::ErrorSummary measured(approx::Construction c, int m);
  // Fitted: certified approximation bound + rounding, with early stopping at the target.
  double fitted_bound(int m);
  // Staircase: Theorem 2 (a-priori node error) + Theorem 3, without building the block.
  double staircase_bound_total(int m);
  // The smallest m whose a-priori staircase total is at most the target.
  std::optional<int> staircase_by_bound(int cap);

  const approx::Target& target() const { return target_; }
  const bounds::RoundingModel& model() const { return model_; }
  double error() const { return error_; }
  int trials() const { return trials_; }
  std::uint64_t seed() const { return seed_; }
  // Progress: one step more (a measurement or a certified bound done), its result line.
  void step_done(const std::string& result);
  // The callbacks of the work inside the current step, named `what`.
  std::function<void(std::size_t, std::size_t)> on_points(const std::string& what);

 private:
  approx::Target target_;
  ScalarSpec scalar_;
  bounds::RoundingModel model_;
  double error_;
  int trials_;
  std::uint64_t seed_;
  blocks::BuildOptions options_;
  std::map<std::pair<int, int>, blocks::SigmoidBlock> blocks_;
  std::map<std::pair<int, int>, analysis::ErrorSummary> measured_;
  std::map<int, double> fitted_bound_;
  TermProgress progress_;
  std::int64_t steps_ = 0;
  std::string step_;  // what the current step does, for the fit's progress inside it
};

// The staircase's cap for the a-priori search (no block is built).
inline constexpr int kStaircaseBoundCap = 1 << 26;

struct SmallestTerms {
  std::optional<int> by_bound, measured;
  double bound_at = INFINITY;  // the total bound at by_bound
  int cap = 0;                 // the measured (and fitted bound) search cap
};
// Both searches for one construction (cap: staircase_cap or fitted_cap).
SmallestTerms smallest_terms(TermSearch& s, approx::Construction c, int staircase_cap, int fitted_cap);

struct FormatResult {
  std::string scalar;
  double max_error = INFINITY;
  double bound = INFINITY;
};

struct PrecisionResult {
  int terms = 0;
  std::optional<long> bits_measured, bits_predicted;
  std::vector<FormatResult> formats;
  double approximation = INFINITY;
};
// For a fixed block: smallest MPFR precision (measured; predicted by the bounds) and the
// formats that keep the error below E, on a reduced point set (257 grid points, the
// random points, and the worst point of the --scalar run).
PrecisionResult precision_and_formats(TermSearch& s, approx::Construction c, int m, const analysis::Point& worst);

struct ConstructionTerms {
  approx::Construction construction = approx::Construction::Staircase;
  SmallestTerms terms;
  std::optional<double> error_at_measured;
  std::optional<PrecisionResult> precision;  // at --terms, else the measured minimum
};
struct SearchTermsResult {
  approx::Target target;
  ScalarSpec scalar;
  double error = 0;
  int max_terms = 0, max_fitted_terms = 0;
  std::vector<ConstructionTerms> constructions;
};
// The most steps of precision_and_formats: MPFR precisions 64, 128, ..., 1024 and a
// bisection below the first that passes, then the seven formats.
inline constexpr int kPrecisionStepsAtMost = 14 + 7;
// search_terms' size, stated before it starts: the most steps of each part.
struct TermSearchSize {
  int staircase_measured = 0;            // measurements at m <= max_terms
  int fitted_bounds = 0, fitted_measured = 0;  // certified fits and measurements at m <= max_fitted_terms
  int precision = 0;                     // per construction, at one m
  std::int64_t total() const;
};
TermSearchSize search_terms_size(const std::vector<approx::Construction>& constructions, int max_terms, int max_fitted_terms,
                                 std::optional<int> terms);
SearchTermsResult search_terms(const approx::Target& target, const std::vector<approx::Construction>& constructions,
                               const ScalarSpec& scalar, double error, int trials, std::uint64_t seed, int max_terms,
                               int max_fitted_terms, std::optional<int> terms, const TermProgress& progress = {});

}  // namespace loopcert::cert
