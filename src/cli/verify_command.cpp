#include "cli/verify_command.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "analysis/lemma_checks.hpp"
#include "cli/formats_command.hpp"
#include "cli/sigmoid_cli.hpp"

namespace loopcert::cli {

namespace {

struct VerifyArgs {
  std::vector<std::string> lemmas;
  VerifyCommon common;
  SigmoidOptions sigmoid;
  FormatsOptions formats;
};

// splitmix64: independent, reproducible seeds for trial i of a run with seed s.
std::uint64_t trial_seed(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (i + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct LemmaSummary {
  std::string lemma, bound_function;
  int trials = 0, violations = 0;
  double max_observed = 0, bound_at_max = 0, max_ratio = 0;
  int n_lo = 1 << 30, n_hi = 0, N_lo = 1 << 30, N_hi = 0;
  double lambda_lo = 1e300, lambda_hi = 0, delta_hi = 0;
  std::optional<analysis::LemmaTrial> smallest_failure;
};

LemmaSummary check_lemma(const std::string& lemma, const ScalarSpec& scalar, const VerifyCommon& common) {
  LemmaSummary s;
  s.lemma = lemma;
  for (int i = 0; i < common.trials; ++i) {
    const analysis::LemmaTrial t = analysis::run_lemma_trial(lemma, scalar, trial_seed(common.seed, i));
    s.bound_function = t.bound_function;
    ++s.trials;
    s.n_lo = std::min(s.n_lo, t.n), s.n_hi = std::max(s.n_hi, t.n);
    s.N_lo = std::min(s.N_lo, t.N), s.N_hi = std::max(s.N_hi, t.N);
    s.lambda_lo = std::min(s.lambda_lo, t.lambda), s.lambda_hi = std::max(s.lambda_hi, t.lambda);
    s.delta_hi = std::max(s.delta_hi, t.delta);
    if (t.observed >= s.max_observed) s.max_observed = t.observed, s.bound_at_max = t.bound;
    const double ratio = t.bound > 0 ? t.observed / t.bound : (t.observed > 0 ? INFINITY : 0);
    s.max_ratio = std::max(s.max_ratio, ratio);
    if (!t.holds) {
      ++s.violations;
      if (!s.smallest_failure || t.n + t.N < s.smallest_failure->n + s.smallest_failure->N) s.smallest_failure = t;
    }
  }
  return s;
}

int verify(const VerifyArgs& args) {
  std::vector<std::string> lemmas = args.lemmas;
  if (lemmas.empty()) lemmas = analysis::lemma_names();
  for (const auto& l : lemmas)
    if (!analysis::is_lemma(l) && l != "sigmoid" && l != "formats")
      throw UsageError("unknown lemma '" + l + "' (expected read, write, increment, subtract, flag, branch, correct, sigmoid or formats)");
  if (args.common.trials < 1) throw UsageError("--trials must be at least 1");
  if (std::find(lemmas.begin(), lemmas.end(), "formats") != lemmas.end()) {
    if (lemmas.size() > 1) throw UsageError("verify formats runs on its own: loopcert verify formats [--program P]");
    return run_verify_formats(args.formats, args.common);
  }
  if (std::find(lemmas.begin(), lemmas.end(), "sigmoid") != lemmas.end()) {
    if (lemmas.size() > 1) throw UsageError("verify sigmoid runs on its own (its options differ): loopcert verify sigmoid --f NAME ...");
    return run_verify_sigmoid(args.sigmoid, args.common);
  }
  ScalarSpec scalar;
  try {
    scalar = parse_scalar(args.common.scalar);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
  std::vector<LemmaSummary> rows;
  for (const auto& l : lemmas) {
    if (!args.common.json && ::isatty(2)) std::cerr << "  checking " << l << " (" << args.common.trials << " trials)...\r" << std::flush;
    try {
      rows.push_back(check_lemma(l, scalar, args.common));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (!args.common.json && ::isatty(2)) std::cerr << std::string(60, ' ') << "\r";
  bool all_hold = true;
  for (const auto& r : rows) all_hold = all_hold && r.violations == 0;
  if (args.common.json) {
    nlohmann::json j;
    j["scalar"] = scalar.name();
    j["seed"] = args.common.seed;
    j["trials"] = args.common.trials;
    j["holds"] = all_hold;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json e{{"lemma", r.lemma},         {"bound_function", r.bound_function}, {"trials", r.trials},
                       {"n", {r.n_lo, r.n_hi}},    {"N", {r.N_lo, r.N_hi}},              {"lambda", {r.lambda_lo, r.lambda_hi}},
                       {"max_delta", r.delta_hi},  {"max_observed", r.max_observed},     {"bound_at_max", r.bound_at_max},
                       {"max_ratio", r.max_ratio}, {"verdict", r.violations ? "violated" : "holds"}, {"violations", r.violations}};
      if (r.smallest_failure)
        e["smallest_failure"] = {{"seed", r.smallest_failure->seed}, {"n", r.smallest_failure->n}, {"N", r.smallest_failure->N},
                                 {"observed", r.smallest_failure->observed}, {"bound", r.smallest_failure->bound},
                                 {"detail", r.smallest_failure->detail}};
      list.push_back(e);
    }
    j["lemmas"] = list;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("lemma checks at {}, {} random valid inputs each (seed {}), noise up to each lemma's admissible delta\n\n",
                             scalar.name(), args.common.trials, args.common.seed);
    std::cout << fmt::format("{:<10} {:<9} {:<7} {:<10} {:>6}  {:>10}  {:>10}  {:>9}  {}\n", "lemma", "n", "N", "lambda", "trials",
                             "observed", "bound", "obs/bound", "verdict");
    for (const auto& r : rows) {
      std::cout << fmt::format("{:<10} {:<9} {:<7} {:<10} {:>6}  {:>10.3g}  {:>10.3g}  {:>9.3g}  {}\n", r.lemma,
                               fmt::format("{}-{}", r.n_lo, r.n_hi), fmt::format("{}-{}", r.N_lo, r.N_hi),
                               fmt::format("{:g}-{:g}", r.lambda_lo, r.lambda_hi), r.trials, r.max_observed, r.bound_at_max,
                               r.max_ratio, r.violations ? "VIOLATED" : "holds");
      if (r.smallest_failure)
        std::cout << fmt::format("           {} of {} trials violate the bound; smallest failing input: seed {} (n = {}, N = {}): "
                                 "observed {:.3g} > bound {:.3g}, {}\n",
                                 r.violations, r.trials, r.smallest_failure->seed, r.smallest_failure->n, r.smallest_failure->N,
                                 r.smallest_failure->observed, r.smallest_failure->bound, r.smallest_failure->detail);
    }
    std::cout << "\nbounds: src/analysis/bounds.hpp, proved in proofs/<lemma>.md; observed = largest error over the trials\n";
  }
  return all_hold ? kSuccess : kCheckFailed;
}

}  // namespace

void add_verify_command(CLI::App& app, Handler& handler) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand("verify", "Check each lemma's construction against its proved bound on random valid inputs");
  cmd->add_option("LEMMA", args->lemmas, "lemmas: read write increment subtract flag branch correct (default: all seven); or sigmoid, or formats (each on its own)");
  cmd->add_option("--scalar", args->common.scalar, "scalar type: " + scalar_names_help())->capture_default_str();
  cmd->add_option("--trials", args->common.trials, "random inputs per lemma")->capture_default_str();
  cmd->add_option("--seed", args->common.seed, "seed of the random inputs (a run is reproducible from it)")->capture_default_str();
  cmd->add_flag("--json", args->common.json, "print one JSON object on stdout");
  add_sigmoid_verify_options(*cmd, args->sigmoid);
  add_formats_verify_options(*cmd, args->formats);
  cmd->callback([&handler, args] { handler = [args] { return verify(*args); }; });
}

}  // namespace loopcert::cli
