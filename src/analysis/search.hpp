// Searches over the arithmetic: the smallest MPFR precision, the interval of softmax
// temperatures, and the full (precision x lambda) grid at which a target (a compiled
// loop and its machine, compile/machine.hpp) runs in lockstep with its reference machine
// (`loopcert search`), each next to the target's predictions from the bounds.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/lockstep.hpp"
#include "compile/machine.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::analysis {

// One lockstep run of a search (layer tracking off; stops at the first divergence).
struct Probe {
  ScalarSpec scalar;
  Rational lambda;
  bool agree = false;
  std::int64_t loops = 0, steps = 0;
  double max_drift = 0;
  std::optional<Divergence> divergence;
  double seconds = 0;
  std::string engine;
};

// Progress lines for stderr (called from worker threads under a lock).
using SearchLog = std::function<void(const std::string&)>;

// A machine whose loop is compiled for the scalar it runs at (FLEQ: the temperatures and
// the products' scales follow the scalar's unit roundoff), run at each loop's own default
// temperature unless one is given. The searches taking one call it once per scalar.
using TargetAtScalar = std::function<compile::LoopTarget(const ScalarSpec& scalar)>;

struct SearchCommon {
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  int jobs = 1;                // runs in parallel (threads)
  SearchLog log;
  // Optional: loops run since its last call, from any worker (every 1000 loops of a run),
  // for the command line's progress line (issue 16, item 3).
  std::function<void(std::int64_t loops)> on_loops;
};


// --- precision ---------------------------------------------------------------------
struct PrecisionSearch {
  Rational lambda;
  bool lambda_per_run = false;         // each precision ran at its own loop's default (Probe::lambda); `lambda`: at hi
  long lo = 2, hi = 64;
  std::optional<long> bits_min;        // smallest P with every precision P..hi agreeing; empty if hi fails
  long bisection_bits = 0;             // where the bisection landed (before the confirming scan)
  std::vector<long> fails_above;       // precisions in (bisection, hi] that failed: non-monotone
  std::vector<long> non_monotone;      // precisions below bits_min that agreed (bits_min - 2 is always run)
  std::vector<Probe> runs;             // every run, in the order made
  int predicted_bits = -1;             // the target's prediction: smallest P for which its budget holds (-1: none)
  std::string no_prediction;           // why the target predicts nothing (no loop theorem); empty: it predicts
  double seconds = 0;
};
PrecisionSearch search_precision(const compile::LoopTarget& target, const Rational& lambda, long lo, long hi, const SearchCommon& common);
// Each precision on its own loop at that loop's default temperature (s.lambda: the one at `hi`).
PrecisionSearch search_precision(const TargetAtScalar& target_at, long lo, long hi, const SearchCommon& common);

// --- lambda ------------------------------------------------------------------------
struct LambdaSearch {
  ScalarSpec scalar;
  Rational resolution;
  Rational cap;                        // the largest lambda tried for the upper end
  std::optional<Rational> lambda_min;  // smallest agreeing lambda (multiple of R); lambda_min - R fails
  std::optional<Rational> lambda_max;  // largest agreeing lambda; lambda_max + R fails; empty: none up to cap
  std::vector<Rational> non_monotone;  // lambda_min - 2R agreed, or a failing grid point inside the interval
  std::vector<Probe> runs;
  std::optional<Probe> best;           // agreeing probe with the smallest drift, else the longest failing run
  double predicted_lambda = 0;         // bounds, exact arithmetic: smallest multiple of R with loop_is_exact
  std::optional<double> predicted_lambda_rounding;  // with the scalar's rounding (loop_budget), if any <= 200
  double default_lambda = 0;           // the CLI default (bounds, margin 1/2)
  std::string no_prediction;           // why the target predicts nothing (no loop theorem); empty: it predicts
  double seconds = 0;
};
LambdaSearch search_lambda(const compile::LoopTarget& target, const ScalarSpec& scalar, const Rational& resolution,
                           const Rational& cap, const SearchCommon& common);
// The most runs search_lambda can make (each k runs once): the coarse grid's points, a
// bisection below, one run at lambda_min - 2R, the doublings and a bisection above, each
// at most bit_width(cap / R) steps. Its stated size (issue 16, item 3).
long lambda_search_runs_at_most(const Rational& resolution, const Rational& cap);

// --- grid --------------------------------------------------------------------------
struct GridSearch {
  long lo = 0, hi = 0;
  std::vector<Rational> lambdas;
  std::vector<Probe> cells;            // bits-major: (lo, lambda0), (lo, lambda1), ...
  std::vector<bool> predicted;         // loop_budget holds in this cell
  std::vector<int> predicted_bits;     // per lambda (-1: none)
  double predicted_lambda = 0;
  std::string no_prediction;           // why the target predicts nothing; empty: it predicts
  double seconds = 0;
};
GridSearch search_grid(const compile::LoopTarget& target, long lo, long hi, const Rational& a, const Rational& b,
                       const Rational& step, const SearchCommon& common);
// Each precision on its own loop (the lambdas are the run temperature of each).
GridSearch search_grid(const TargetAtScalar& target_at, long lo, long hi, const Rational& a, const Rational& b,
                       const Rational& step, const SearchCommon& common);

// Why the target's bounds predict nothing (its summary's words), or empty when they predict.
std::string no_prediction(const compile::Predictors& predict, const Rational& lambda);

// The exact-arithmetic prediction: the smallest multiple of `resolution` for which the
// loop theorem holds (margin 1), up to 200; +inf if none.
double predicted_lambda_exact(const compile::Predictors& predict, const Rational& resolution);

// The smallest multiple of `resolution` up to 200 for which the rounding-aware budget at
// `scalar` holds (the loop theorem itself for exact), or none.
std::optional<double> predicted_lambda_at(const compile::Predictors& predict, const ScalarSpec& scalar, const Rational& resolution);

// Runs one probe.
Probe probe(const compile::LoopTarget& target, const ScalarSpec& scalar, const Rational& lambda, const SearchCommon& common);

}  // namespace loopcert::analysis
