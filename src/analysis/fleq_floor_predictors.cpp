// The FLEQ target's precision predictors from the predicted floor (analysis/fleq_floor.hpp).
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "analysis/fleq_floor.hpp"
#include "analysis/fleq_loop_constants.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::analysis {

namespace {

// The floor per MPFR precision, computed once per target (each costs a compile and a few
// exact-machine runs); shared by the predictors' copies.
struct FloorCache {
  isa::fleq::FleqProgram program;
  double tolerance = 1e-6;
  std::int64_t max_steps = 0;
  std::mutex mutex;
  std::map<double, FleqFloor> by_u;
  std::optional<FleqFloor> exact;  // the bounds at u = 0 for the target's own constants

  const FleqFloor& exact_at(double u) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!exact) {
      try {
        exact = predict_fleq_floor(program, compile::fleq::compile_fleq(program, {u}), {max_steps, 0, 1});
      } catch (const std::exception& e) {
        exact = FleqFloor{};
        exact->predicted = INFINITY;
        exact->reason = e.what();
      }
    }
    return *exact;
  }

  const FleqFloor& at(double u) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = by_u.find(u);
    if (it == by_u.end()) {
      FleqFloor f;
      try {
        f = predict_fleq_floor_at(program, u, max_steps);
      } catch (const std::exception& e) {  // the compiler refuses (e.g. an .intbound too large)
        f.predicted = INFINITY;
        f.reason = e.what();
      }
      it = by_u.emplace(u, std::move(f)).first;
    }
    return it->second;
  }
  bool agrees(double u) {
    const FleqFloor& f = at(u);
    return f.reason.empty() && f.predicted <= tolerance;
  }
};

std::string describe(const FleqFloor& f, double tolerance) {
  if (!(f.predicted < INFINITY)) return "no predicted floor: " + f.reason;
  return fmt::format("predicted floor {:.2g} (largest per-instruction bound {:.2g} x {:.3g}, the exact machine's response over {} steps); "
                     "limited by {}; {} the data tolerance {:g}",
                     f.predicted, f.largest_bound, f.amplification, f.steps, floor_channel_name(f.limit),
                     f.predicted <= tolerance ? "within" : "beyond", tolerance);
}

}  // namespace

compile::Predictors fleq_floor_predictors(const isa::fleq::FleqProgram& program, double data_tolerance, std::int64_t max_steps, double u) {
  auto cache = std::make_shared<FloorCache>();
  cache->program = program;
  cache->tolerance = data_tolerance;
  cache->max_steps = max_steps;
  compile::Predictors p;
  p.summary = [cache, u](double) {
    compile::BoundsSummary b;
    const FleqFloor& f = cache->at(u);
    b.numbers = {{"predicted_floor", f.predicted}, {"largest_instruction_bound", f.largest_bound}, {"amplification", f.amplification},
                 {"limit", std::string(floor_channel_name(f.limit))}};
    b.text = describe(f, cache->tolerance);
    b.theorem = "proofs/fleq_loop.md (per instruction) x the exact machine's response (analysis/fleq_floor.hpp)";
    return b;
  };
  // Exact arithmetic: the bounds at u = 0 for the constants compiled for this scalar.
  p.exact = [cache, u](double lambda, double) {
    const FleqFloor& f = cache->exact_at(u);
    return lambda >= f.read_lambda && f.reason.empty() && f.predicted <= cache->tolerance;
  };
  p.at_scalar = [cache](const ScalarSpec& scalar) {
    const double su = scalar_facts(scalar).unit_roundoff;
    const bool ok = cache->agrees(su);
    const double lambda0 = cache->at(su).read_lambda;
    return std::function<bool(const Rational&)>([ok, lambda0](const Rational& lambda) { return ok && to_double(lambda) >= lambda0; });
  };
  // The smallest P in [8, 512] whose floor is within the tolerance, by bisection (the
  // floor falls with P: C and the temperatures grow as u shrinks); -1 when even 512 is
  // not. Each precision at its own compiled temperatures (as `search precision P.fq`
  // runs them): lambda is not an input.
  p.bits = [cache](const Rational&) {
    int lo = 8, hi = 512;
    if (!cache->agrees(std::ldexp(1.0, -hi))) return -1;
    if (cache->agrees(std::ldexp(1.0, -lo))) hi = lo;
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      (cache->agrees(std::ldexp(1.0, -mid)) ? hi : lo) = mid;
    }
    return hi;
  };
  return p;
}

compile::Predictors fleq_target_predictors(const isa::fleq::FleqProgram& program, const compile::FleqTargetOptions& options) {
  return fleq_floor_predictors(program, options.data_tolerance, options.max_steps, options.unit_roundoff);
}

}  // namespace loopcert::analysis
