// `search precision` and `search grid`, a single probe, and the bounds' predictions the
// searches print beside their measurements (`search lambda`: search_lambda.cpp).
// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>

#include "analysis/detail/search_runner.hpp"

namespace loopcert::analysis {

using detail::check_bits;
using detail::lambda_text;
using detail::mpfr;
using detail::Runner;
using detail::seconds_since;

Probe probe(const compile::LoopTarget& target, const ScalarSpec& scalar, const Rational& lambda, const SearchCommon& common) {
  Runner runner(target, common);
  return runner.run(scalar, lambda);
}

// The smallest multiple k R of the resolution in (0, 200] at which `holds(k)` is true,
// or none. The predictions are bound formulas, cheap but not free, and R may be tiny:
// multiples of a coarse step C >= 1/64 (itself a multiple of R) are scanned in order,
// then the first cell that holds is bisected on multiples of R, taking the bound as
// monotone inside one cell of width C. (For R >= 1/64 every multiple is tried in order.)
static std::optional<long> first_multiple_within_200(const Rational& resolution, const std::function<bool(long)>& holds) {
  const double r = to_double(resolution);
  const long per_cell = std::max<long>(1, static_cast<long>(std::ceil((1.0 / 64) / r)));
  const long last = static_cast<long>(std::floor((200 + 1e-9) / r));
  long previous = 0;
  for (long k = per_cell; previous < last; k += per_cell) {
    const long end = std::min(k, last);
    if (holds(end)) {
      long lo = previous, hi = end;  // holds(hi); lo = 0 or not holds(lo)
      while (hi - lo > 1) {
        const long mid = lo + (hi - lo) / 2;
        (holds(mid) ? hi : lo) = mid;
      }
      return hi;
    }
    previous = end;
  }
  return std::nullopt;
}

std::string no_prediction(const compile::Predictors& predict, const Rational& lambda) {
  if (predict.exact && predict.at_scalar && predict.bits) return "";
  const std::string why = predict.summary ? predict.summary(to_double(lambda)).text : "";
  return why.empty() ? "the target's bounds give no prediction" : why;
}

double predicted_lambda_exact(const compile::Predictors& predict, const Rational& resolution) {
  if (!predict.exact) return NAN;
  const double r = to_double(resolution);
  const auto i = first_multiple_within_200(resolution, [&](long m) { return predict.exact(m * r, 1); });
  return i ? *i * r : INFINITY;
}

std::optional<double> predicted_lambda_at(const compile::Predictors& predict, const ScalarSpec& scalar, const Rational& resolution) {
  if (scalar.kind == ScalarKind::Exact) {
    const double exact = predicted_lambda_exact(predict, resolution);
    return std::isfinite(exact) ? std::optional<double>(exact) : std::nullopt;
  }
  if (!predict.at_scalar) return std::nullopt;
  const auto holds = predict.at_scalar(scalar);
  const auto k = first_multiple_within_200(resolution, [&](long m) { return holds(Rational(m) * resolution); });
  if (!k) return std::nullopt;
  return *k * to_double(resolution);
}

// ---------------------------------------------------------------------------------
namespace {

// The bisection on [lo, hi], the confirming scan above it and the check two bits below
// (lambda: none for each loop's default).
void bisect_precision(Runner& runner, const std::optional<Rational>& lambda, PrecisionSearch& s, const SearchCommon& common) {
  const long lo = s.lo, hi = s.hi;
  std::map<long, bool> agrees;
  auto run = [&](long bits) {
    Probe p = runner.run(mpfr(bits), lambda);
    agrees[bits] = p.agree;
    s.runs.push_back(p);
    return p.agree;
  };
  if (common.log)
    common.log(fmt::format("search precision: bisection on [{}, {}] at lambda {}", lo, hi, lambda ? lambda_text(*lambda) : "each loop's default"));
  if (!run(hi)) return;  // bisection_bits stays 0
  long fail = lo - 1, pass = hi;  // invariant: `pass` agrees; `fail` fails (lo - 1: not a precision)
  if (lo < hi) (run(lo) ? pass : fail) = lo;
  while (pass - fail > 1) {
    const long mid = fail + (pass - fail) / 2;
    (run(mid) ? pass : fail) = mid;
  }
  s.bisection_bits = pass;
  // Confirming scan: every precision above the bisection's answer, in parallel.
  std::vector<std::pair<ScalarSpec, std::optional<Rational>>> work;
  for (long p = pass + 1; p < hi; ++p)
    if (!agrees.count(p)) work.emplace_back(mpfr(p), lambda);
  if (common.log && !work.empty())
    common.log(fmt::format("search precision: confirming scan of {} precisions ({}..{})", work.size(), pass + 1, hi - 1));
  for (Probe& p : runner.run_all(work)) {
    agrees[p.scalar.precision] = p.agree;
    s.runs.push_back(std::move(p));
  }
  long top_fail = 0;
  for (const auto& [bits, ok] : agrees)
    if (bits > pass && !ok) {
      s.fails_above.push_back(bits);
      top_fail = std::max(top_fail, bits);
    }
  s.bits_min = top_fail ? top_fail + 1 : pass;
  // Two bits lower must fail, or it is reported as non-monotone.
  const long below = *s.bits_min - 2;
  if (below >= lo && !agrees.count(below)) run(below);
  for (const auto& [bits, ok] : agrees)
    if (bits < *s.bits_min && ok) s.non_monotone.push_back(bits);
}

// The search on `runner`'s loops, with the predictions of `predict` at the run's lambda
// (given, or the default of the loops at hi).
PrecisionSearch precision_over(Runner& runner, const compile::Predictors& predict, const std::optional<Rational>& lambda, long lo,
                               long hi, const SearchCommon& common) {
  const auto started = std::chrono::steady_clock::now();
  PrecisionSearch s;
  s.lambda = lambda.value_or(predict.default_lambda);
  s.lambda_per_run = !lambda;
  s.lo = lo;
  s.hi = hi;
  bisect_precision(runner, lambda, s, common);
  s.no_prediction = no_prediction(predict, s.lambda);
  s.predicted_bits = s.no_prediction.empty() ? predict.bits(s.lambda) : -1;
  s.seconds = seconds_since(started);
  return s;
}

}  // namespace

PrecisionSearch search_precision(const compile::LoopTarget& target, const Rational& lambda, long lo, long hi, const SearchCommon& common) {
  check_bits(lo, hi);
  Runner runner(target, common);
  return precision_over(runner, target.predict, lambda, lo, hi, common);
}

PrecisionSearch search_precision(const TargetAtScalar& target_at, long lo, long hi, const SearchCommon& common) {
  check_bits(lo, hi);
  Runner runner(target_at, common);
  const compile::LoopTarget* at_hi = runner.target(mpfr(hi));
  return precision_over(runner, at_hi ? at_hi->predict : compile::Predictors{}, std::nullopt, lo, hi, common);
}

// ---------------------------------------------------------------------------------
namespace {

GridSearch grid_over(Runner& runner, const compile::Predictors& predict, long lo, long hi, const Rational& a, const Rational& b,
                     const Rational& step, const SearchCommon& common) {
  const auto started = std::chrono::steady_clock::now();
  check_bits(lo, hi);
  if (step <= 0) throw std::invalid_argument("--lambda A..B:STEP needs a positive STEP");
  if (a <= 0 || b < a) throw std::invalid_argument("--lambda A..B:STEP needs 0 < A <= B");
  GridSearch s;
  s.lo = lo;
  s.hi = hi;
  for (Rational l = a; l <= b; l += step) s.lambdas.push_back(l);
  if (s.lambdas.size() * static_cast<std::size_t>(hi - lo + 1) > 100000) throw std::invalid_argument("the grid has more than 100000 cells");
  std::vector<std::pair<ScalarSpec, std::optional<Rational>>> work;
  for (long bits = lo; bits <= hi; ++bits)
    for (const auto& l : s.lambdas) work.emplace_back(mpfr(bits), l);
  if (common.log) common.log(fmt::format("search grid: {} cells", work.size()));
  s.cells = runner.run_all(work);
  s.no_prediction = no_prediction(predict, predict.default_lambda);
  for (const auto& l : s.lambdas) s.predicted_bits.push_back(s.no_prediction.empty() ? predict.bits(l) : -1);
  for (long bits = lo; bits <= hi; ++bits)
    for (std::size_t j = 0; j < s.lambdas.size(); ++j)
      s.predicted.push_back(s.predicted_bits[j] > 0 && bits >= s.predicted_bits[j]);
  s.predicted_lambda = predicted_lambda_exact(predict, step);
  s.seconds = seconds_since(started);
  return s;
}

}  // namespace

GridSearch search_grid(const compile::LoopTarget& target, long lo, long hi, const Rational& a, const Rational& b, const Rational& step,
                       const SearchCommon& common) {
  Runner runner(target, common);
  return grid_over(runner, target.predict, lo, hi, a, b, step, common);
}

GridSearch search_grid(const TargetAtScalar& target_at, long lo, long hi, const Rational& a, const Rational& b, const Rational& step,
                       const SearchCommon& common) {
  check_bits(lo, hi);
  Runner runner(target_at, common);
  const compile::LoopTarget* at_hi = runner.target(mpfr(hi));
  return grid_over(runner, at_hi ? at_hi->predict : compile::Predictors{}, lo, hi, a, b, step, common);
}

}  // namespace loopcert::analysis
