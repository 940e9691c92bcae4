#include "cli/verify_command.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "analysis/lemma_checks.hpp"
#include "analysis/trial_seed.hpp"
#include "cli/flag_values.hpp"
#include "cli/formats_command.hpp"
#include "cli/progress.hpp"
#include "cli/sigmoid_cli.hpp"

namespace loopcert::cli {

namespace {

struct VerifyArgs {
  std::vector<std::string> lemmas;
  VerifyCommon common;
  SigmoidOptions sigmoid;
  FormatsOptions formats;
};

using analysis::trial_seed;  // analysis/trial_seed.hpp, shared with the error report

// The worst trial of one kind of input (random or adversarial) for one lemma.
struct InputSummary {
  int trials = 0, violations = 0;
  int vacuous = 0;  // trials whose bound is infinite: they verify nothing (issue 16, item 5)
  // Trials outside the range hypothesis at the scalar (bounds/format_range.hpp): no bound
  // is claimed, so they are neither a pass nor a violation, and not in the maxima.
  int not_covered = 0;
  std::string not_covered_reason;  // the first one's
  double max_observed = 0, bound_at_max = 0, max_ratio = 0;
  std::optional<analysis::LemmaTrial> smallest_failure;
  void add(const analysis::LemmaTrial& t) {
    ++trials;
    if (!t.covered) {
      if (!not_covered++) not_covered_reason = t.not_covered;
      return;
    }
    if (!std::isfinite(t.bound)) ++vacuous;
    if (t.observed >= max_observed) max_observed = t.observed, bound_at_max = t.bound;
    const double ratio = t.bound > 0 ? t.observed / t.bound : (t.observed > 0 ? INFINITY : 0);
    max_ratio = std::max(max_ratio, ratio);
    if (!t.holds) {
      ++violations;
      if (!smallest_failure || t.n + t.N < smallest_failure->n + smallest_failure->N) smallest_failure = t;
    }
  }
};

struct LemmaSummary {
  std::string lemma, bound_function;
  InputSummary random, adversarial;
  int n_lo = 1 << 30, n_hi = 0, N_lo = 1 << 30, N_hi = 0;
  double lambda_lo = 1e300, lambda_hi = 0, delta_hi = 0;
  int violations() const { return random.violations + adversarial.violations; }
  int vacuous() const { return random.vacuous + adversarial.vacuous; }
  int not_covered() const { return random.not_covered + adversarial.not_covered; }
  const std::string& not_covered_reason() const {
    return random.not_covered ? random.not_covered_reason : adversarial.not_covered_reason;
  }
  // A violation is only ever of a bound whose hypotheses hold (covered trials).
  const char* verdict() const {
    return violations() ? "violated" : not_covered() ? "not covered" : vacuous() ? "vacuous" : "holds";
  }
};

// `trials` random inputs and `trials` worst-case inputs (analysis::Inputs::Adversarial).
LemmaSummary check_lemma(const std::string& lemma, const ScalarSpec& scalar, const VerifyCommon& common, Progress& progress,
                         std::int64_t& done) {
  LemmaSummary s;
  s.lemma = lemma;
  for (const analysis::Inputs inputs : {analysis::Inputs::Random, analysis::Inputs::Adversarial})
    for (int i = 0; i < common.trials; ++i) {
      analysis::LemmaSettings settings;
      settings.inputs = inputs;
      const analysis::LemmaTrial t = analysis::run_lemma_trial(lemma, scalar, trial_seed(common.seed, i), settings);
      s.bound_function = t.bound_function;
      s.n_lo = std::min(s.n_lo, t.n), s.n_hi = std::max(s.n_hi, t.n);
      s.N_lo = std::min(s.N_lo, t.N), s.N_hi = std::max(s.N_hi, t.N);
      s.lambda_lo = std::min(s.lambda_lo, t.lambda), s.lambda_hi = std::max(s.lambda_hi, t.lambda);
      s.delta_hi = std::max(s.delta_hi, t.delta);
      (inputs == analysis::Inputs::Random ? s.random : s.adversarial).add(t);
      progress.tick(++done);
    }
  return s;
}

nlohmann::json input_json(const InputSummary& r) {
  nlohmann::json e{{"trials", r.trials},           {"max_observed", r.max_observed}, {"bound_at_max", r.bound_at_max},
                   {"max_ratio", r.max_ratio},     {"violations", r.violations},
                   {"vacuous_trials", r.vacuous},  {"not_covered_trials", r.not_covered}};
  if (r.not_covered) e["not_covered_reason"] = r.not_covered_reason;
  if (r.smallest_failure)
    e["smallest_failure"] = {{"seed", r.smallest_failure->seed}, {"n", r.smallest_failure->n}, {"N", r.smallest_failure->N},
                             {"observed", r.smallest_failure->observed}, {"bound", r.smallest_failure->bound},
                             {"detail", r.smallest_failure->detail}};
  return e;
}

void print_failure(const char* kind, const InputSummary& r) {
  if (!r.smallest_failure) return;
  const auto& f = *r.smallest_failure;
  std::cout << fmt::format("           {} of {} {} trials violate the bound; smallest failing input: seed {} (n = {}, N = {}): "
                           "observed {:.3g} > bound {:.3g} ({}), {}\n",
                           r.violations, r.trials, kind, f.seed, f.n, f.N, f.observed, f.bound, f.checked, f.detail);
}

void print_lemma_table(const std::vector<LemmaSummary>& rows, const ScalarSpec& scalar, const VerifyCommon& common) {
  std::cout << fmt::format(
      "lemma checks at {}, {} random valid inputs and {} worst-case inputs each (seed {}), noise up to each lemma's admissible delta\n\n",
      scalar.name(), common.trials, common.trials, common.seed);
  std::cout << fmt::format("{:<16} {:<9} {:<7} {:<11} {:>10} {:>10} {:>9}  {:>10} {:>10} {:>9}  {}\n", "", "", "", "", "random", "",
                           "", "worst", "case", "", "");
  std::cout << fmt::format("{:<16} {:<9} {:<7} {:<11} {:>10} {:>10} {:>9}  {:>10} {:>10} {:>9}  {}\n", "lemma", "n", "N", "lambda",
                           "observed", "bound", "obs/bound", "observed", "bound", "obs/bound", "verdict");
  for (const auto& r : rows) {
    std::cout << fmt::format("{:<16} {:<9} {:<7} {:<11} {:>10.3g} {:>10.3g} {:>9.3g}  {:>10.3g} {:>10.3g} {:>9.3g}  {}\n", r.lemma,
                             fmt::format("{}-{}", r.n_lo, r.n_hi), fmt::format("{}-{}", r.N_lo, r.N_hi),
                             fmt::format("{:g}-{:g}", r.lambda_lo, r.lambda_hi), r.random.max_observed, r.random.bound_at_max,
                             r.random.max_ratio, r.adversarial.max_observed, r.adversarial.bound_at_max, r.adversarial.max_ratio,
                             r.violations() ? "VIOLATED" : r.not_covered() ? "NOT COVERED" : r.vacuous() ? "VACUOUS" : "holds");
    if (r.not_covered())
      std::cout << fmt::format("           {} of {} trials are outside the bound's hypotheses at {}, no bound is claimed for them: {}\n",
                               r.not_covered(), r.random.trials + r.adversarial.trials, scalar.name(), r.not_covered_reason());
    if (!r.violations() && r.vacuous())
      std::cout << fmt::format("           the bound is infinite in {} of {} trials at {}: nothing is verified (not a pass)\n", r.vacuous(),
                               r.random.trials + r.adversarial.trials, scalar.name());
    print_failure("random", r.random);
    print_failure("worst-case", r.adversarial);
  }
  std::cout << "\nbounds: src/bounds/<lemma>.hpp (rounded up), proved in proofs/<lemma>.md; observed = largest error over the covered "
               "trials; worst case: analysis/lemma_checks/<lemma>.cpp\n";
}

int verify(const VerifyArgs& args) {
  std::vector<std::string> lemmas = args.lemmas;
  if (lemmas.empty()) lemmas = analysis::lemma_names();
  for (const auto& l : lemmas)
    if (!analysis::is_lemma(l) && l != "sigmoid" && l != "formats") {
      std::string names;
      for (const auto& n : analysis::lemma_names()) names += n + ", ";
      throw UsageError("unknown lemma '" + l + "' (expected one of " + names + "sigmoid or formats)");
    }
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
  scalar = scalar_flag(args.common.scalar);
  std::vector<LemmaSummary> rows;
  const std::int64_t total = static_cast<std::int64_t>(lemmas.size()) * 2 * args.common.trials;
  Progress progress(fmt::format("verify: {} lemma(s) x {} random and {} worst-case trials at {}", lemmas.size(), args.common.trials,
                                args.common.trials, scalar.name()),
                    "trials", total);
  std::int64_t done = 0;
  for (const auto& l : lemmas) {
    if (!args.common.json && ::isatty(2)) std::cerr << "  checking " << l << " (" << args.common.trials << " trials)...\r" << std::flush;
    try {
      rows.push_back(check_lemma(l, scalar, args.common, progress, done));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (!args.common.json && ::isatty(2)) std::cerr << std::string(60, ' ') << "\r";
  progress.finish();
  bool all_hold = true;
  for (const auto& r : rows) all_hold = all_hold && r.violations() == 0 && r.vacuous() == 0 && r.not_covered() == 0;
  if (args.common.json) {
    nlohmann::json j;
    j["scalar"] = scalar.name();
    j["seed"] = args.common.seed;
    j["trials"] = args.common.trials;
    j["holds"] = all_hold;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      // The random inputs' fields at the top level (as before), the worst-case inputs under "adversarial".
      nlohmann::json e = input_json(r.random);
      e["lemma"] = r.lemma;
      e["bound_function"] = r.bound_function;
      e["n"] = {r.n_lo, r.n_hi};
      e["N"] = {r.N_lo, r.N_hi};
      e["lambda"] = {r.lambda_lo, r.lambda_hi};
      e["max_delta"] = r.delta_hi;
      e["adversarial"] = input_json(r.adversarial);
      e["verdict"] = r.verdict();
      list.push_back(e);
    }
    j["lemmas"] = list;
    std::cout << j.dump(2) << "\n";
  } else {
    print_lemma_table(rows, scalar, args.common);
  }
  return all_hold ? kSuccess : kCheckFailed;
}

}  // namespace

void add_verify_command(CLI::App& app, Handler& handler) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand("verify", "Check each lemma's construction against its proved bound on random and worst-case valid inputs");
  cmd->add_option("LEMMA", args->lemmas, "lemmas: read write increment subtract flag branch correct and the FLEQ blocks fleq_read fleq_write fleq_product fleq_matmul fleq_transpose fleq_elementwise fleq_int_snap fleq_flag (default: all); or sigmoid, or formats (each on its own)");
  cmd->add_option("--scalar", args->common.scalar, "scalar type: " + scalar_names_help())->capture_default_str();
  cmd->add_option("--trials", args->common.trials, "random inputs per lemma (and as many worst-case inputs)")->capture_default_str();
  cmd->add_option("--seed", args->common.seed, "seed of the random inputs (a run is reproducible from it)")->capture_default_str();
  cmd->add_flag("--json", args->common.json, "print one JSON object on stdout");
  add_sigmoid_verify_options(*cmd, args->sigmoid);
  add_formats_verify_options(*cmd, args->formats);
  cmd->callback([&handler, args] { handler = [args] { return verify(*args); }; });
}

}  // namespace loopcert::cli
