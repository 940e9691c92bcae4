// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/parallel_for.hpp"

namespace loopcert::analysis {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string lambda_text(const Rational& q) {
  // Multiples of a decimal resolution print as short decimals.
  return fmt::format("{:g}", to_double(q));
}

// Runs probes of one target (the temperature is a run option: nothing is recompiled).
class Runner {
 public:
  Runner(const compile::LoopTarget& target, const SearchCommon& common) : target_(target), common_(common) {}

  Probe run(const ScalarSpec& scalar, const Rational& lambda) {
    RunOptions o;
    o.scalar = scalar;
    o.lambda = lambda;
    o.max_steps = common_.max_steps;
    o.tolerance = common_.tolerance;
    o.track_layers = false;
    const RunResult r = run_lockstep(target_, o);
    Probe p;
    p.scalar = scalar;
    p.lambda = lambda;
    p.agree = r.agree;
    p.loops = r.loops;
    p.steps = r.steps;
    p.max_drift = r.max_drift;
    p.divergence = r.first_divergence;
    p.seconds = r.seconds;
    p.engine = r.engine;
    if (common_.log) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      common_.log(fmt::format("  {:<10} lambda {:<8} {} ({} loops, {:.3f} s)", scalar.name(), lambda_text(lambda),
                              r.agree ? "agrees" : "diverges at loop " + std::to_string(r.first_divergence ? r.first_divergence->loop : r.loops),
                              r.loops, r.seconds));
    }
    return p;
  }

  // Runs every (scalar, lambda) pair, `jobs` at a time; results in input order.
  std::vector<Probe> run_all(const std::vector<std::pair<ScalarSpec, Rational>>& work) {
    std::vector<Probe> out(work.size());
    parallel_for(work.size(), common_.jobs, [&](std::size_t i) { out[i] = run(work[i].first, work[i].second); });
    return out;
  }

 private:
  const compile::LoopTarget& target_;
  const SearchCommon& common_;
  std::mutex log_mutex_;
};

ScalarSpec mpfr(long bits) { return ScalarSpec{ScalarKind::Mpfr, bits}; }

}  // namespace

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

double predicted_lambda_exact(const compile::Predictors& predict, const Rational& resolution) {
  const double r = to_double(resolution);
  const auto i = first_multiple_within_200(resolution, [&](long m) { return predict.exact(m * r, 1); });
  return i ? *i * r : INFINITY;
}

std::optional<double> predicted_lambda_at(const compile::Predictors& predict, const ScalarSpec& scalar, const Rational& resolution) {
  if (scalar.kind == ScalarKind::Exact) {
    const double exact = predicted_lambda_exact(predict, resolution);
    return std::isfinite(exact) ? std::optional<double>(exact) : std::nullopt;
  }
  const auto holds = predict.at_scalar(scalar);
  const auto k = first_multiple_within_200(resolution, [&](long m) { return holds(Rational(m) * resolution); });
  if (!k) return std::nullopt;
  return *k * to_double(resolution);
}

// ---------------------------------------------------------------------------------
PrecisionSearch search_precision(const compile::LoopTarget& target, const Rational& lambda, long lo, long hi, const SearchCommon& common) {
  const auto started = std::chrono::steady_clock::now();
  if (lo < 2 || hi < lo || hi > kMaxMpfrPrecision) throw std::invalid_argument("--bits: need 2 <= LO <= HI");
  Runner runner(target, common);
  PrecisionSearch s;
  s.lambda = lambda;
  s.lo = lo;
  s.hi = hi;
  std::map<long, bool> agrees;
  auto run = [&](long bits) {
    Probe p = runner.run(mpfr(bits), lambda);
    agrees[bits] = p.agree;
    s.runs.push_back(p);
    return p.agree;
  };
  if (common.log) common.log(fmt::format("search precision: bisection on [{}, {}] at lambda {}", lo, hi, lambda_text(lambda)));
  if (run(hi)) {
    long fail = lo - 1, pass = hi;  // invariant: `pass` agrees; `fail` fails (lo - 1: not a precision)
    if (lo < hi) {
      if (run(lo)) pass = lo;
      else fail = lo;
    }
    while (pass - fail > 1) {
      const long mid = fail + (pass - fail) / 2;
      (run(mid) ? pass : fail) = mid;
    }
    s.bisection_bits = pass;
    // Confirming scan: every precision above the bisection's answer, in parallel.
    std::vector<std::pair<ScalarSpec, Rational>> work;
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
  } else {
    s.bisection_bits = 0;
  }
  s.predicted_bits = target.predict.bits(lambda);
  s.seconds = seconds_since(started);
  return s;
}

// ---------------------------------------------------------------------------------
LambdaSearch search_lambda(const compile::LoopTarget& target, const ScalarSpec& scalar, const Rational& resolution, const Rational& cap,
                           const SearchCommon& common) {
  const auto started = std::chrono::steady_clock::now();
  if (resolution <= 0) throw std::invalid_argument("--resolution must be positive");
  Runner runner(target, common);
  LambdaSearch s;
  s.scalar = scalar;
  s.resolution = resolution;
  // Lambda = k R for integer k >= 1.
  const Rational top_q = cap / resolution;
  const long top = static_cast<long>(std::floor(to_double(top_q)));
  if (top < 1) throw std::invalid_argument("--lambda-max is below the resolution");
  s.cap = Rational(top) * resolution;
  std::map<long, Probe> seen;
  auto run = [&](long k) -> bool {
    auto it = seen.find(k);
    if (it != seen.end()) return it->second.agree;
    Probe p = runner.run(scalar, Rational(k) * resolution);
    s.runs.push_back(p);
    const bool ok = p.agree;
    seen.emplace(k, std::move(p));
    return ok;
  };
  // Coarse grid: every 0.5 up to 20, then x1.25 up to the cap (in units of R).
  const double r = to_double(resolution);
  std::vector<long> grid;
  const long half = std::max(1L, std::lround(0.5 / r));
  for (long k = half; k <= top && k * r <= 20 + 1e-9; k += half) grid.push_back(k);
  for (long k = grid.empty() ? half : grid.back(); k <= top;) {
    const long next = std::max(k + 1, static_cast<long>(std::ceil(k * 1.25)));
    if (next > top) break;
    grid.push_back(next);
    k = next;
  }
  if (grid.empty() || grid.back() != top) grid.push_back(top);
  if (common.log) common.log(fmt::format("search lambda at {}: coarse scan for the lower end, then bisection to R = {}", scalar.name(), lambda_text(resolution)));
  long first_pass = -1, last_fail = 0;
  std::size_t gi = 0;
  for (; gi < grid.size(); ++gi) {
    if (run(grid[gi])) {
      first_pass = grid[gi];
      break;
    }
    last_fail = grid[gi];
  }
  if (first_pass > 0) {
    long fail = last_fail, pass = first_pass;  // k = 0 (lambda 0, uniform attention) counts as failing
    while (pass - fail > 1) {
      const long mid = fail + (pass - fail) / 2;
      (run(mid) ? pass : fail) = mid;
    }
    s.lambda_min = Rational(pass) * resolution;
    if (pass - 2 >= 1 && run(pass - 2)) s.non_monotone.push_back(Rational(pass - 2) * resolution);
    // Upper end: doubling from the lower end, then bisection.
    if (common.log) common.log("search lambda: doubling for the upper end");
    long ok = pass, bad = -1;
    for (long k = pass * 2;; k *= 2) {
      const long kk = std::min(k, top);
      if (kk <= ok) break;
      if (run(kk)) ok = kk;
      else {
        bad = kk;
        break;
      }
      if (kk == top) break;
    }
    if (bad > 0) {
      while (bad - ok > 1) {
        const long mid = ok + (bad - ok) / 2;
        (run(mid) ? ok : bad) = mid;
      }
      s.lambda_max = Rational(ok) * resolution;
    }
    // Grid points inside the interval that failed: non-monotone.
    for (const auto& [k, p] : seen)
      if (!p.agree && k > pass && (!s.lambda_max || Rational(k) * resolution < *s.lambda_max)) s.non_monotone.push_back(Rational(k) * resolution);
  }
  // Best run: the agreeing one with the smallest drift (ties: smaller lambda), else the
  // failing one that ran the most loops (ties: the lambda nearest the default, so that
  // "where it breaks" is reported at a sensible temperature).
  const double preferred = to_double(target.predict.default_lambda);
  for (const auto& [k, p] : seen) {
    if (!s.best) {
      s.best = p;
      continue;
    }
    const Probe& b = *s.best;
    if (p.agree != b.agree) {
      if (p.agree) s.best = p;
    } else if (p.agree) {
      if (p.max_drift < b.max_drift) s.best = p;
    } else if (p.loops > b.loops ||
               (p.loops == b.loops && std::abs(to_double(p.lambda) - preferred) < std::abs(to_double(b.lambda) - preferred))) {
      s.best = p;
    }
  }
  s.predicted_lambda = predicted_lambda_exact(target.predict, resolution);
  s.default_lambda = to_double(target.predict.default_lambda);
  // (exact: the loop theorem itself, which predicted_lambda_at also gives, +inf kept)
  s.predicted_lambda_rounding = scalar.kind == ScalarKind::Exact ? std::optional<double>(s.predicted_lambda)
                                                                 : predicted_lambda_at(target.predict, scalar, resolution);
  s.seconds = seconds_since(started);
  return s;
}

// ---------------------------------------------------------------------------------
GridSearch search_grid(const compile::LoopTarget& target, long lo, long hi, const Rational& a, const Rational& b, const Rational& step,
                       const SearchCommon& common) {
  const auto started = std::chrono::steady_clock::now();
  if (lo < 2 || hi < lo || hi > kMaxMpfrPrecision) throw std::invalid_argument("--bits: need 2 <= LO <= HI");
  if (step <= 0) throw std::invalid_argument("--lambda A..B:STEP needs a positive STEP");
  if (a <= 0 || b < a) throw std::invalid_argument("--lambda A..B:STEP needs 0 < A <= B");
  Runner runner(target, common);
  GridSearch s;
  s.lo = lo;
  s.hi = hi;
  for (Rational l = a; l <= b; l += step) s.lambdas.push_back(l);
  if (s.lambdas.size() * static_cast<std::size_t>(hi - lo + 1) > 100000) throw std::invalid_argument("the grid has more than 100000 cells");
  std::vector<std::pair<ScalarSpec, Rational>> work;
  for (long bits = lo; bits <= hi; ++bits)
    for (const auto& l : s.lambdas) work.emplace_back(mpfr(bits), l);
  if (common.log) common.log(fmt::format("search grid: {} cells", work.size()));
  s.cells = runner.run_all(work);
  for (const auto& l : s.lambdas) s.predicted_bits.push_back(target.predict.bits(l));
  for (long bits = lo; bits <= hi; ++bits)
    for (std::size_t j = 0; j < s.lambdas.size(); ++j)
      s.predicted.push_back(s.predicted_bits[j] > 0 && bits >= s.predicted_bits[j]);
  s.predicted_lambda = predicted_lambda_exact(target.predict, step);
  s.seconds = seconds_since(started);
  return s;
}

}  // namespace loopcert::analysis
