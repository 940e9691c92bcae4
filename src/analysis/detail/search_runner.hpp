// The searches' runner (analysis/search*.cpp): probes of one target, or of a loop per
// scalar compiled at its first use, run `jobs` at a time with progress lines.
#pragma once
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "analysis/search.hpp"
#include "core/parallel_for.hpp"

namespace loopcert::analysis::detail {

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

inline std::string lambda_text(const Rational& q) {
  // Multiples of a decimal resolution print as short decimals.
  return fmt::format("{:g}", to_double(q));
}

// Runs probes of one target, or of a loop per scalar (the temperature is a run option:
// nothing is recompiled for a new lambda).
class Runner {
 public:
  Runner(const compile::LoopTarget& target, const SearchCommon& common) : fixed_(&target), common_(common) {}
  Runner(const TargetAtScalar& target_at, const SearchCommon& common) : target_at_(&target_at), common_(common) {}

  // The loop `scalar` runs on (a TargetAtScalar's: compiled at its first use); null when
  // the machine's compiler refuses this scalar (`why`: its reason).
  const compile::LoopTarget* target(const ScalarSpec& scalar, std::string* why = nullptr) {
    if (fixed_) return fixed_;
    std::lock_guard<std::mutex> lock(targets_mutex_);
    auto it = targets_.find(scalar.name());
    if (it == targets_.end()) {
      Built built;
      try {
        built.target = (*target_at_)(scalar);
      } catch (const std::invalid_argument& e) {
        built.refused = e.what();
      }
      it = targets_.emplace(scalar.name(), std::move(built)).first;
    }
    if (why) *why = it->second.refused;
    return it->second.target ? &*it->second.target : nullptr;
  }

  // One run; no lambda: the loop's default temperature. A scalar whose loop cannot be
  // built fails at loop 0 with the compiler's reason.
  Probe run(const ScalarSpec& scalar, const std::optional<Rational>& given_lambda) {
    std::string refused;
    const compile::LoopTarget* target = this->target(scalar, &refused);
    if (!target) return refused_probe(scalar, given_lambda.value_or(Rational(0)), refused);
    const Rational lambda = given_lambda ? *given_lambda : target->predict.default_lambda;
    RunOptions o;
    o.scalar = scalar;
    o.lambda = lambda;
    o.max_steps = common_.max_steps;
    o.tolerance = common_.tolerance;
    o.track_layers = false;
    if (common_.on_loops)
      o.progress = [this, counted = std::int64_t{0}](std::int64_t loops, std::int64_t) mutable {
        common_.on_loops(loops - counted);
        counted = loops;
      };
    const RunResult r = run_lockstep(*target, o);
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
    log(p);
    return p;
  }

  // Runs every (scalar, lambda) pair, `jobs` at a time; results in input order.
  std::vector<Probe> run_all(const std::vector<std::pair<ScalarSpec, std::optional<Rational>>>& work) {
    std::vector<Probe> out(work.size());
    parallel_for(work.size(), common_.jobs, [&](std::size_t i) { out[i] = run(work[i].first, work[i].second); });
    return out;
  }

 private:
  struct Built {
    std::optional<compile::LoopTarget> target;
    std::string refused;
  };

  Probe refused_probe(const ScalarSpec& scalar, const Rational& lambda, const std::string& why) {
    Probe p;
    p.scalar = scalar;
    p.lambda = lambda;
    p.divergence = Divergence{};
    p.divergence->field = "compile";
    p.divergence->detail = why;
    log(p);
    return p;
  }

  void log(const Probe& p) {
    if (!common_.log) return;
    std::lock_guard<std::mutex> lock(log_mutex_);
    const std::string verdict = p.agree ? "agrees"
                                : p.divergence && p.divergence->field == "compile" ? "cannot be built: " + p.divergence->detail
                                : "diverges at loop " + std::to_string(p.divergence ? p.divergence->loop : p.loops);
    common_.log(fmt::format("  {:<10} lambda {:<8} {} ({} loops, {:.3f} s)", p.scalar.name(), lambda_text(p.lambda), verdict, p.loops, p.seconds));
  }

  const compile::LoopTarget* fixed_ = nullptr;
  const TargetAtScalar* target_at_ = nullptr;
  const SearchCommon& common_;
  std::map<std::string, Built> targets_;  // by scalar name (std::map: references stay valid)
  std::mutex targets_mutex_, log_mutex_;
};

inline ScalarSpec mpfr(long bits) { return ScalarSpec{ScalarKind::Mpfr, bits}; }

inline void check_bits(long lo, long hi) {
  if (lo < 2 || hi < lo || hi > kMaxMpfrPrecision) throw std::invalid_argument("--bits: need 2 <= LO <= HI");
}

}  // namespace loopcert::analysis::detail
