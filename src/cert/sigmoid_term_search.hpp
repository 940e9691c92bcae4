// `search terms` as data: the smallest number of sigmoid terms m whose bound (a priori
// for the staircase, certified for the fitted sum, plus Theorem 3 at the scalar) and
// whose measured error are at most an error target, and, for one m, the smallest MPFR
// precision (measured and predicted) and which formats keep the error below the target.
// Progress on stderr. In cert/ because the fitted bound is the MPFI certificate.
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

// Blocks, measurements and bounds for one target, scalar and error target, each
// computed once.
class TermSearch {
 public:
  TermSearch(approx::Target target, ScalarSpec scalar, double error, int trials, std::uint64_t seed);
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
SearchTermsResult search_terms(const approx::Target& target, const std::vector<approx::Construction>& constructions,
                               const ScalarSpec& scalar, double error, int trials, std::uint64_t seed, int max_terms,
                               int max_fitted_terms, std::optional<int> terms);

}  // namespace loopcert::cert
