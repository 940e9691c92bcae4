// `search lambda`: the interval of temperatures over which a target agrees at one scalar,
// to a resolution R (a coarse scan for the lower end, bisections, doubling for the upper).
// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "analysis/detail/search_runner.hpp"
#include "analysis/search.hpp"

namespace loopcert::analysis {

using detail::lambda_text;
using detail::Runner;
using detail::seconds_since;

namespace {

// The lambda search's runs, by k for lambda = k R: each k runs once.
class LambdaRuns {
 public:
  LambdaRuns(Runner& runner, LambdaSearch& s) : runner_(runner), s_(s) {}
  bool agrees(long k) {
    auto it = seen_.find(k);
    if (it != seen_.end()) return it->second.agree;
    Probe p = runner_.run(s_.scalar, lambda(k));
    s_.runs.push_back(p);
    const bool ok = p.agree;
    seen_.emplace(k, std::move(p));
    return ok;
  }
  Rational lambda(long k) const { return Rational(k) * s_.resolution; }
  const std::map<long, Probe>& seen() const { return seen_; }

 private:
  Runner& runner_;
  LambdaSearch& s_;
  std::map<long, Probe> seen_;
};

// The coarse grid of the lower end, in units of R: every 0.5 up to 20, then x1.25 up to
// `top`, which always closes it.
std::vector<long> coarse_lambda_grid(double r, long top) {
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
  return grid;
}

// The smallest agreeing k: the first grid point that agrees, bisected down against the
// grid point before it (k = 0, lambda 0, uniform attention, counts as failing); -1: none.
long lower_end(LambdaRuns& runs, const std::vector<long>& grid) {
  long fail = 0;
  for (long k : grid) {
    if (runs.agrees(k)) {
      long pass = k;
      while (pass - fail > 1) {
        const long mid = fail + (pass - fail) / 2;
        (runs.agrees(mid) ? pass : fail) = mid;
      }
      return pass;
    }
    fail = k;
  }
  return -1;
}

// The largest agreeing k above `pass`: doubling up to `top`, then bisection; none if
// every doubling up to `top` agrees.
std::optional<long> upper_end(LambdaRuns& runs, long pass, long top) {
  long ok = pass, bad = -1;
  for (long k = pass * 2;; k *= 2) {
    const long kk = std::min(k, top);
    if (kk <= ok) break;
    if (!runs.agrees(kk)) {
      bad = kk;
      break;
    }
    ok = kk;
    if (kk == top) break;
  }
  if (bad < 0) return std::nullopt;
  while (bad - ok > 1) {
    const long mid = ok + (bad - ok) / 2;
    (runs.agrees(mid) ? ok : bad) = mid;
  }
  return ok;
}

// The agreeing run with the smallest drift (ties: smaller lambda), else the failing one
// that ran the most loops (ties: the lambda nearest `preferred`, the default, so that
// "where it breaks" is reported at a sensible temperature).
std::optional<Probe> best_probe(const std::map<long, Probe>& seen, double preferred) {
  std::optional<Probe> best;
  for (const auto& [k, p] : seen) {
    if (!best) {
      best = p;
      continue;
    }
    const Probe& b = *best;
    if (p.agree != b.agree) {
      if (p.agree) best = p;
    } else if (p.agree) {
      if (p.max_drift < b.max_drift) best = p;
    } else if (p.loops > b.loops ||
               (p.loops == b.loops && std::abs(to_double(p.lambda) - preferred) < std::abs(to_double(b.lambda) - preferred))) {
      best = p;
    }
  }
  return best;
}

}  // namespace

long lambda_search_runs_at_most(const Rational& resolution, const Rational& cap) {
  if (resolution <= 0) throw std::invalid_argument("--resolution must be positive");
  const long top = static_cast<long>(std::floor(to_double(cap / resolution)));
  if (top < 1) return 0;
  const long steps = static_cast<long>(std::bit_width(static_cast<unsigned long>(top)));
  return static_cast<long>(coarse_lambda_grid(to_double(resolution), top).size()) + 3 * steps + 1;
}

LambdaSearch search_lambda(const compile::LoopTarget& target, const ScalarSpec& scalar, const Rational& resolution, const Rational& cap,
                           const SearchCommon& common) {
  const auto started = std::chrono::steady_clock::now();
  if (resolution <= 0) throw std::invalid_argument("--resolution must be positive");
  Runner runner(target, common);
  LambdaSearch s;
  s.scalar = scalar;
  s.resolution = resolution;
  // Lambda = k R for integer k >= 1.
  const long top = static_cast<long>(std::floor(to_double(cap / resolution)));
  if (top < 1) throw std::invalid_argument("--lambda-max is below the resolution");
  s.cap = Rational(top) * resolution;
  LambdaRuns runs(runner, s);
  if (common.log) common.log(fmt::format("search lambda at {}: coarse scan for the lower end, then bisection to R = {}", scalar.name(), lambda_text(resolution)));
  const long pass = lower_end(runs, coarse_lambda_grid(to_double(resolution), top));
  if (pass > 0) {
    s.lambda_min = runs.lambda(pass);
    if (pass - 2 >= 1 && runs.agrees(pass - 2)) s.non_monotone.push_back(runs.lambda(pass - 2));
    if (common.log) common.log("search lambda: doubling for the upper end");
    if (const auto ok = upper_end(runs, pass, top)) s.lambda_max = runs.lambda(*ok);
    // Grid points inside the interval that failed: non-monotone.
    for (const auto& [k, p] : runs.seen())
      if (!p.agree && k > pass && (!s.lambda_max || runs.lambda(k) < *s.lambda_max)) s.non_monotone.push_back(runs.lambda(k));
  }
  s.best = best_probe(runs.seen(), to_double(target.predict.default_lambda));
  s.no_prediction = no_prediction(target.predict, target.predict.default_lambda);
  s.predicted_lambda = predicted_lambda_exact(target.predict, resolution);
  s.default_lambda = to_double(target.predict.default_lambda);
  // (exact: the loop theorem itself, which predicted_lambda_at also gives, +inf kept)
  s.predicted_lambda_rounding = scalar.kind == ScalarKind::Exact ? std::optional<double>(s.predicted_lambda)
                                                                 : predicted_lambda_at(target.predict, scalar, resolution);
  s.seconds = seconds_since(started);
  return s;
}

}  // namespace loopcert::analysis
