#include "cli/sigmoid_cli.hpp"

#include "cli/search_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "bounds/sigmoid.hpp"
#include "blocks/sigmoid.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cli {

namespace {

using namespace loopcert::sigmoid;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------
// Options -> problem, with the messages of issue 4's bad-input cases.

Target resolve_target(const std::string& f, const std::string& range, const std::string& table) {
  TargetKind kind;
  try {
    kind = parse_target_kind(f);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--f: ") + e.what());
  }
  std::vector<Knot> knots;
  if (kind == TargetKind::Table) {
    if (table.empty()) throw UsageError("--f table needs --table FILE (one 'x y' point per line, x strictly increasing)");
    try {
      knots = read_table(table);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--table: ") + e.what());
    }
  } else if (!table.empty()) {
    throw UsageError("--table is only used with --f table (got --f " + f + ")");
  }
  std::optional<std::pair<Rational, Rational>> r;
  if (!range.empty()) {
    try {
      r = parse_range(range);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--range: ") + e.what());
    }
    check_within_double("--range", r->first, range);
    check_within_double("--range", r->second, range);
  }
  try {
    return make_target(kind, r, knots);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--range: ") + e.what());
  }
}

ScalarSpec resolve_scalar(const std::string& name) {
  ScalarSpec s;
  try {
    s = parse_scalar(name);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
  if (const std::string why = unsupported_reason(s); !why.empty()) throw UsageError("--scalar: " + why);
  return s;
}

std::vector<Construction> resolve_constructions(const std::string& text) {
  if (text == "staircase") return {Construction::Staircase};
  if (text == "fitted") return {Construction::Fitted};
  if (text == "both") return {Construction::Staircase, Construction::Fitted};
  throw UsageError("--construction must be staircase, fitted or both (got '" + text + "')");
}

constexpr int kMaxTerms = 65536;
// The fitted sum's least squares holds an (8m + 64) x (m + 1) long double matrix:
// 135 MB at m = 1024.
constexpr int kMaxFittedTerms = 1024;

void check_terms(int m, const std::string& option = "--terms", bool fitted = false) {
  if (m < 1) throw UsageError(option + " must be at least 1 (got " + std::to_string(m) + ")");
  if (m > kMaxTerms) throw UsageError(option + " must be at most " + std::to_string(kMaxTerms) + " (got " + std::to_string(m) + ")");
  if (fitted && m > kMaxFittedTerms)
    throw UsageError(option + " must be at most " + std::to_string(kMaxFittedTerms) +
                     " for the fitted construction (its least-squares matrix has (8m + 64) x (m + 1) entries; got " + std::to_string(m) +
                     "); use --construction staircase for more terms");
}


std::string sci(double v, int digits = 3) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  return fmt::format("{:.{}e}", v, digits - 1);
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// Build options whose fitted width trades the grid error against Theorem 3 at `scalar`.
BuildOptions build_options(const ScalarSpec& scalar) {
  BuildOptions o;
  const RoundingModel model = rounding_model(scalar);
  const SigmoidColumns columns = o.columns;
  o.fitted_penalty = [model, columns](const Channel& ch) { return rounding_bound(rounding_inputs({ch}, columns), model); };
  return o;
}

double max_weight(const SigmoidBlock& b) {
  double w = 0;
  for (const Channel& ch : b.channels)
    for (const Term& t : ch.sum.terms)
      w = std::max({w, std::fabs(to_double(t.a)), std::fabs(to_double(t.b)), std::fabs(to_double(ch.scale * t.c))});
  return w;
}

double max_value_weight(const SigmoidBlock& b) {
  double w = 0;
  for (const Channel& ch : b.channels)
    for (const Term& t : ch.sum.terms) w = std::max(w, std::fabs(to_double(ch.scale * t.c)));
  return w;
}

std::string width_text(const SigmoidBlock& b) {
  std::string out;
  for (std::size_t i = 0; i < b.channels.size(); ++i) {
    if (i) out += ",";
    out += to_string(b.channels[i].sum.width_factor);
  }
  return (b.construction == Construction::Staircase ? "alpha=" : "beta=") + out;
}

int grid_points(int m) { return 1024 + 8 * std::min(m, 8192); }

long measure_precision(const ScalarSpec& s) { return s.kind == ScalarKind::Mpfr ? std::max(320L, s.precision + 64) : 320; }

// ---------------------------------------------------------------------------------
// verify sigmoid

struct Row {
  Construction construction;
  SigmoidBlock block;
  ErrorSummary error;
  BlockBound bound;
  bool holds = false;
  double ratio = 0;
};

Row check(const Target& target, Construction c, int m, const ScalarSpec& scalar, const VerifyCommon& common) {
  Row row{c, build_block(target, c, m, build_options(scalar)), {}, {}, false, 0};
  row.bound = block_bound(row.block, rounding_model(scalar));
  const auto points = sample_points(target, grid_points(m), common.trials, common.seed);
  row.error = measure(target, evaluate(row.block, points, scalar), measure_precision(scalar));
  // An infinite bound claims nothing (Theorem 3's no-overflow hypothesis fails): the
  // verdict is then "holds" (vacuously) and bound_vacuous says so.
  row.holds = !std::isfinite(row.bound.total) || (row.error.finite && row.error.max_error <= row.bound.total);
  row.ratio = !std::isfinite(row.bound.total) ? 0
              : row.bound.total > 0           ? row.error.max_error / row.bound.total
                                              : (row.error.max_error > 0 ? INFINITY : 0);
  return row;
}

json row_json(const Row& r) {
  json j{{"construction", construction_name(r.construction)},
         {"heads", r.block.heads()},
         {"width", width_text(r.block)},
         {"max_weight", max_weight(r.block)},
         {"max_value_weight", max_value_weight(r.block)},
         {"max_error", number_or_null(r.error.max_error)},
         {"finite", r.error.finite},
         {"argmax", r.block.target.inputs() == 2 ? json{{"x", to_double(r.error.argmax.x)}, {"y", to_double(r.error.argmax.y)}}
                                                 : json{{"x", to_double(r.error.argmax.x)}}},
         {"points", r.error.points},
         {"bound", number_or_null(r.bound.total)},
         {"approximation_bound", number_or_null(r.bound.approximation)},
         {"rounding_bound", number_or_null(r.bound.rounding)},
         {"bound_kind", r.bound.certified ? "certified" : "proved"},
         {"bound_function", r.bound.certified ? "sigmoid::certify + sigmoid::rounding_bound" : "sigmoid::staircase_bound + sigmoid::rounding_bound"},
         {"ratio", number_or_null(r.ratio)},
         {"bound_vacuous", !std::isfinite(r.bound.total)},
         {"verdict", r.holds ? "holds" : "violated"}};
  if (r.bound.certified) {
    j["certificate_converged"] = r.bound.converged;
    j["certificate_cells"] = r.bound.cells;
  }
  return j;
}

}  // namespace

void add_sigmoid_verify_options(CLI::App& verify, SigmoidOptions& options) {
  verify.add_option("--f", options.f, "sigmoid: function to approximate (" + target_names_help() + ")")->capture_default_str();
  verify.add_option("--range", options.range, "sigmoid: range LO..HI (default: the function's own, e.g. -1..1 for x^2)");
  verify.add_option("--terms", options.terms, "sigmoid: number of sigmoid terms m (heads; x*y uses 2m)")->capture_default_str();
  verify.add_option("--construction", options.construction, "sigmoid: staircase, fitted or both")->capture_default_str();
  verify.add_option("--table", options.table, "sigmoid: table FILE for --f table (lines 'x y', x strictly increasing)");
}

int run_verify_sigmoid(const SigmoidOptions& options, const VerifyCommon& common) {
  const Target target = resolve_target(options.f, options.range, options.table);
  const auto constructions = resolve_constructions(options.construction);
  check_terms(options.terms, "--terms", std::find(constructions.begin(), constructions.end(), Construction::Fitted) != constructions.end());
  const ScalarSpec scalar = resolve_scalar(common.scalar);
  if (common.trials < 0) throw UsageError("--trials must be at least 0");

  std::vector<Row> rows;
  for (Construction c : constructions) {
    if (c == Construction::Fitted) std::cerr << "verify sigmoid: fitting and certifying " << options.terms << " terms...\n";
    rows.push_back(check(target, c, options.terms, scalar, common));
  }
  bool all = true;
  std::size_t binding = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    all = all && rows[i].holds;
    if (!(rows[i].ratio <= rows[binding].ratio)) binding = i;
  }
  const std::string range = range_text(target.lo, target.hi);
  if (common.json) {
    const Row& b = rows[binding];
    json j{{"lemma", "sigmoid"},
           {"f", target_name(target.kind)},
           {"range", range},
           {"terms", options.terms},
           {"construction", options.construction},
           {"scalar", scalar.name()},
           {"seed", common.seed},
           {"trials", common.trials},
           {"points", b.error.points},
           {"max_error", number_or_null(b.error.max_error)},
           {"bound", number_or_null(b.bound.total)},
           {"ratio", number_or_null(b.ratio)},
           {"binding", construction_name(b.construction)},
           {"verdict", all ? "holds" : "violated"}};
    j["results"] = json::array();
    for (const Row& r : rows) j["results"].push_back(row_json(r));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("verify sigmoid: f = {} on {}, m = {} terms, scalar {}, {} points ({} grid + {} random)\n",
                             target_name(target.kind), range, options.terms, scalar.name(), rows.front().error.points,
                             grid_points(options.terms), common.trials);
    std::cout << fmt::format("{:<12} {:>6} {:>14} {:>10} {:>11} {:>11} {:>11} {:>11} {:>10} {:>7}  {}\n", "construction", "heads",
                             "width", "max|c|", "max error", "bound", "approx.", "rounding", "kind", "ratio", "verdict");
    for (const Row& r : rows)
      std::cout << fmt::format("{:<12} {:>6} {:>14} {:>10} {:>11} {:>11} {:>11} {:>11} {:>10} {:>7}  {}\n",
                               construction_name(r.construction), r.block.heads(), width_text(r.block), sci(max_value_weight(r.block), 2),
                               sci(r.error.max_error), sci(r.bound.total), sci(r.bound.approximation), sci(r.bound.rounding),
                               r.bound.certified ? "certified" : "proved", fmt::format("{:.3f}", r.ratio),
                               !r.holds ? "VIOLATED" : (std::isfinite(r.bound.total) ? "holds" : "holds (vacuous)"));
    std::cout << (all ? "holds" : "violated") << ": the largest observed error is " << (all ? "within" : "NOT within")
              << " the bound (Theorem 2 / certificate + Theorem 3, proofs/sigmoid.md)\n";
    for (const Row& r : rows)
      if (!std::isfinite(r.bound.total))
        std::cout << "note: the " << construction_name(r.construction) << " bound is infinite at " << scalar.name()
                  << ": Theorem 3 assumes no overflow (scores, weights and sums below half the largest finite value)"
                  << " or k u < 1; nothing is claimed\n";
  }
  return all ? kSuccess : kCheckFailed;
}

// ---------------------------------------------------------------------------------
// search terms

namespace {

std::optional<int> smallest(int cap, const std::function<bool(int)>& ok) {
  int lo = 0, hi = 1;  // lo: fails (0 = none tried), hi: candidate
  while (hi <= cap && !ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > cap) {
    if (lo < cap && ok(cap)) hi = cap;
    else return std::nullopt;
  }
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

class TermSearch {
 public:
  TermSearch(Target target, ScalarSpec scalar, double error, int trials, std::uint64_t seed)
      : target_(std::move(target)), scalar_(scalar), model_(rounding_model(scalar)), error_(error), trials_(trials), seed_(seed),
        options_(build_options(scalar)) {}

  const SigmoidBlock& block(Construction c, int m) {
    auto key = std::make_pair(static_cast<int>(c), m);
    auto it = blocks_.find(key);
    if (it == blocks_.end()) it = blocks_.emplace(key, build_block(target_, c, m, options_)).first;
    return it->second;
  }

  ErrorSummary measured(Construction c, int m) {
    auto key = std::make_pair(static_cast<int>(c), m);
    if (auto it = measured_.find(key); it != measured_.end()) return it->second;
    const auto points = sample_points(target_, grid_points(m), trials_, seed_);
    ErrorSummary e = measure(target_, evaluate(block(c, m), points, scalar_), measure_precision(scalar_));
    std::cerr << fmt::format("  {} m = {}: measured {} at {} (target {})\n", construction_name(c), m, sci(e.max_error), scalar_.name(),
                             sci(error_));
    return measured_[key] = e;
  }

  // Fitted: certified approximation bound + rounding, with early stopping at the target.
  double fitted_bound(int m) {
    if (auto it = fitted_bound_.find(m); it != fitted_bound_.end()) return it->second;
    const SigmoidBlock& b = block(Construction::Fitted, m);
    const double rounding = rounding_bound(b, model_);
    double total = INFINITY;
    if (rounding < error_) {
      CertifyOptions co;
      double scales = 0;
      for (const Channel& ch : b.channels) scales += std::fabs(to_double(ch.scale));
      co.target = (error_ - rounding) / scales * (1 - 1e-12);
      total = block_bound(b, model_, co).total;
    }
    std::cerr << fmt::format("  fitted m = {}: certified bound {} (target {})\n", m, sci(total), sci(error_));
    return fitted_bound_[m] = total;
  }

  double staircase_bound_total(int m) { return staircase_apriori_total(target_channels(target_), m, default_staircase_alpha(), model_); }

  std::optional<int> staircase_by_bound(int cap) {
    const auto channels = target_channels(target_);
    auto approx = [&](int m) {
      double a = 0;
      staircase_apriori_total(channels, m, default_staircase_alpha(), model_, &a);
      return a;
    };
    auto total = [&](int m) { return staircase_bound_total(m); };
    // approx decreases with m: bisection finds the first m0 with approx <= E; below m0
    // no total can pass (total >= approx). Past m0 the rounding part grows with m.
    auto m0 = smallest(cap, [&](int m) { return approx(m) <= error_; });
    if (!m0) return std::nullopt;
    if (total(*m0) <= error_) return m0;
    int lo = *m0, hi = *m0;
    while (hi < cap) {
      hi = std::min<long long>(cap, 2LL * hi);
      if (total(hi) <= error_) break;
      if (approx(hi) <= 0 || rounding_bound(staircase_rounding_inputs(channels, hi, default_staircase_alpha()), model_) > error_)
        return std::nullopt;
      lo = hi;
    }
    if (total(hi) > error_) return std::nullopt;
    while (hi - lo > 1) {
      const int mid = lo + (hi - lo) / 2;
      if (total(mid) <= error_) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  const Target& target() const { return target_; }
  const RoundingModel& model() const { return model_; }
  double error() const { return error_; }
  int trials() const { return trials_; }
  std::uint64_t seed() const { return seed_; }

 private:
  Target target_;
  ScalarSpec scalar_;
  RoundingModel model_;
  double error_;
  int trials_;
  std::uint64_t seed_;
  BuildOptions options_;
  std::map<std::pair<int, int>, SigmoidBlock> blocks_;
  std::map<std::pair<int, int>, ErrorSummary> measured_;
  std::map<int, double> fitted_bound_;
};

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
PrecisionResult precision_and_formats(TermSearch& s, Construction c, int m, const Point& worst) {
  PrecisionResult r;
  r.terms = m;
  const SigmoidBlock& b = s.block(c, m);
  auto points = sample_points(s.target(), 257, s.trials(), s.seed() + 1);
  points.push_back(worst);
  const double E = s.error();
  if (c == Construction::Staircase) {
    r.approximation = block_bound(b, s.model()).approximation;
  } else {
    CertifyOptions co;
    r.approximation = block_bound(b, s.model(), co).approximation;
  }
  auto err_at = [&](const ScalarSpec& spec) {
    return measure(s.target(), evaluate(b, points, spec), measure_precision(spec)).max_error;
  };
  // Predicted: the smallest P whose total bound is at most E.
  for (long p = 2; p <= 1060; ++p)
    if (r.approximation + rounding_bound(b, rounding_model({ScalarKind::Mpfr, p})) <= E) {
      r.bits_predicted = p;
      break;
    }
  std::map<long, bool> cache;
  auto ok = [&](long p) {
    if (auto it = cache.find(p); it != cache.end()) return it->second;
    const double e = err_at({ScalarKind::Mpfr, p});
    std::cerr << fmt::format("  {} m = {} at mpfr:{}: measured {}\n", construction_name(c), m, p, sci(e));
    return cache[p] = e <= E;
  };
  long lo = 1, hi = 64;
  while (hi <= 1024 && !ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi <= 1024) {
    while (hi - lo > 1) {
      const long mid = (lo + hi) / 2;
      if (ok(mid)) hi = mid;
      else lo = mid;
    }
    r.bits_measured = hi;
  }
  for (const char* name : {"double", "float", "tf32", "fp16", "bf16", "fp8e5m2", "fp8e4m3"}) {
    const ScalarSpec spec = parse_scalar(name);
    FormatResult f;
    f.scalar = name;
    f.max_error = err_at(spec);
    f.bound = r.approximation + rounding_bound(b, rounding_model(spec));
    r.formats.push_back(f);
  }
  return r;
}

json opt_json(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json opt_json(const std::optional<long>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

int run_search_terms(const SearchTermsOptions& o) {
  const Target target = resolve_target(o.f, o.range, o.table);
  const auto constructions = resolve_constructions(o.construction);
  const ScalarSpec scalar = resolve_scalar(o.scalar);
  if (o.error.empty()) throw UsageError("--error is required (e.g. --error 1e-3)");
  const double E = to_double(parse_positive("--error", o.error));
  const bool fitted = std::find(constructions.begin(), constructions.end(), Construction::Fitted) != constructions.end();
  if (o.terms) check_terms(*o.terms, "--terms", fitted);
  check_terms(o.max_terms, "--max-terms");
  check_terms(o.max_fitted_terms, "--max-fitted-terms", true);
  if (o.trials < 0) throw UsageError("--trials must be at least 0");

  TermSearch s(target, scalar, E, o.trials, o.seed);
  json j{{"f", target_name(target.kind)}, {"range", range_text(target.lo, target.hi)}, {"error", E}, {"scalar", scalar.name()},
         {"max_terms", o.max_terms}, {"max_fitted_terms", o.max_fitted_terms}};
  for (Construction c : constructions) {
    const std::string name = construction_name(c);
    std::cerr << "search terms: " << name << "\n";
    std::optional<int> by_bound, measured;
    double bound_at = INFINITY;
    const int cap = c == Construction::Staircase ? o.max_terms : o.max_fitted_terms;
    if (c == Construction::Staircase) {
      by_bound = s.staircase_by_bound(1 << 26);
      if (by_bound) bound_at = s.staircase_bound_total(*by_bound);
    } else {
      by_bound = smallest(cap, [&](int m) { return s.fitted_bound(m) <= E; });
      if (by_bound) bound_at = s.fitted_bound(*by_bound);
    }
    measured = smallest(cap, [&](int m) { return s.measured(c, m).max_error <= E; });
    json cj{{"terms_by_bound", opt_json(by_bound)},
            {"bound_at_terms_by_bound", number_or_null(bound_at)},
            {"terms_measured", opt_json(measured)},
            {"search_cap", cap},
            {"bound_kind", c == Construction::Staircase ? "proved (a priori)" : "certified"}};
    if (measured) cj["error_at_terms_measured"] = number_or_null(s.measured(c, *measured).max_error);
    int m_star = o.terms ? *o.terms : (measured ? *measured : (by_bound && *by_bound <= cap ? *by_bound : 0));
    if (m_star > 0) {
      const ErrorSummary base = s.measured(c, m_star);
      const PrecisionResult pr = precision_and_formats(s, c, m_star, base.argmax);
      cj["precision"] = {{"terms", pr.terms},
                         {"bits_measured", opt_json(pr.bits_measured)},
                         {"bits_predicted", opt_json(pr.bits_predicted)},
                         {"approximation_bound", number_or_null(pr.approximation)}};
      json fj = json::array();
      for (const auto& f : pr.formats)
        fj.push_back({{"scalar", f.scalar}, {"max_error", number_or_null(f.max_error)}, {"ok", f.max_error <= E},
                      {"bound", number_or_null(f.bound)}, {"bound_ok", f.bound <= E}});
      cj["formats"] = fj;
    }
    j[name] = cj;
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return kSuccess;
  }
  std::cout << fmt::format("search terms: f = {} on {}, error {}, scalar {}\n", target_name(target.kind), range_text(target.lo, target.hi),
                           sci(E), scalar.name());
  for (Construction c : constructions) {
    const json& cj = j[construction_name(c)];
    auto show = [](const json& v) { return v.is_null() ? std::string("not found") : v.dump(); };
    std::cout << fmt::format("{}:\n  smallest m by bound ({}): {}   (bound {})\n  smallest m measured at {}: {}   (search cap {})\n",
                             construction_name(c), cj["bound_kind"].get<std::string>(), show(cj["terms_by_bound"]),
                             cj["bound_at_terms_by_bound"].is_null() ? "-" : sci(cj["bound_at_terms_by_bound"].get<double>()),
                             scalar.name(), show(cj["terms_measured"]), cj["search_cap"].get<int>());
    if (cj.contains("precision")) {
      const json& p = cj["precision"];
      const std::string predicted =
          p["bits_predicted"].is_null()
              ? fmt::format("none (the approximation bound {} alone is above the target at this m)",
                            p["approximation_bound"].is_null() ? "inf" : sci(p["approximation_bound"].get<double>()))
              : p["bits_predicted"].dump() + " bits";
      std::cout << fmt::format("  at m = {}: smallest MPFR precision measured {}, predicted by the bounds {}\n", p["terms"].get<int>(),
                               p["bits_measured"].is_null() ? std::string("not found up to 1024 bits") : p["bits_measured"].dump() + " bits",
                               predicted);
      std::cout << "  formats (measured error / bound):";
      for (const auto& f : cj["formats"])
        std::cout << fmt::format("  {} {} / {} {}", f["scalar"].get<std::string>(),
                                 f["max_error"].is_null() ? "inf" : sci(f["max_error"].get<double>(), 2),
                                 f["bound"].is_null() ? "inf" : sci(f["bound"].get<double>(), 2), f["ok"].get<bool>() ? "ok" : "no");
      std::cout << "\n";
    }
  }
  return kSuccess;
}

void add_search_terms_command(CLI::App& search, Handler& handler) {
  auto opts = std::make_shared<SearchTermsOptions>();
  CLI::App* sub = search.add_subcommand("terms", "smallest number of sigmoid terms for an error target (sigmoid lemma)");
  sub->add_option("--f", opts->f, "function (" + target_names_help() + ")")->capture_default_str();
  sub->add_option("--range", opts->range, "range LO..HI (default: the function's own)");
  sub->add_option("--table", opts->table, "table FILE for --f table");
  sub->add_option("--error", opts->error, "error target E, e.g. 1e-3")->required();
  sub->add_option("--scalar", opts->scalar, "scalar to measure at (" + scalar_names_help() + ")")->capture_default_str();
  sub->add_option("--construction", opts->construction, "staircase, fitted or both")->capture_default_str();
  sub->add_option("--terms", opts->terms, "m for the precision/format part (default: the measured minimum)");
  sub->add_option("--max-terms", opts->max_terms, "staircase measurement cap")->capture_default_str();
  sub->add_option("--max-fitted-terms", opts->max_fitted_terms, "fitted search cap")->capture_default_str();
  sub->add_option("--trials", opts->trials, "random points per measurement")->capture_default_str();
  sub->add_option("--seed", opts->seed, "random seed")->capture_default_str();
  sub->add_flag("--json", opts->json, "one JSON object on stdout");
  sub->callback([opts, &handler] { handler = [opts] { return run_search_terms(*opts); }; });
}

// ---------------------------------------------------------------------------------
// reports/sigmoid.md

void write_sigmoid_report(std::ostream& out, bool quick) {
  struct Case {
    TargetKind kind;
    std::optional<std::pair<Rational, Rational>> range;
    std::vector<Knot> knots;
  };
  std::vector<Case> cases = {{TargetKind::Square, {}, {}},     {TargetKind::Product, {}, {}},
                             {TargetKind::Reciprocal, {}, {}}, {TargetKind::Reciprocal, std::make_pair(Rational(1, 4), Rational(4)), {}},
                             {TargetKind::Sqrt, {}, {}},       {TargetKind::Exp, {}, {}},
                             {TargetKind::Sigmoid, {}, {}},    {TargetKind::Table, {}, {{-1, 1}, {Rational(-1, 2), Rational(1, 4)}, {0, 0}, {1, 1}}}};
  if (quick) cases = {cases[0], cases.back()};
  const ScalarSpec dbl = parse_scalar("double"), m128 = parse_scalar("mpfr:128");
  const int m = 64;
  const auto t0 = std::chrono::steady_clock::now();
  out << "# The sigmoid lemma, measured\n\n"
      << "Generated by `loopcert report sigmoid --out reports/sigmoid.md` (src/cli/sigmoid_cli.cpp).\n"
      << "Every error below is the block's output computed by the engine (`instantiate<T>` +\n"
      << "`apply_layer_batch`, one punchcard per point) against f in\n"
      << "MPFR at 320 bits, over 1024 + 8m grid points and 100 random points of the range\n"
      << "(x*y: a 2-D grid). Bounds: *proved* = Theorem 2 (a priori), *certified* = MPFI\n"
      << "certificate of the exact-weight sum; both for exact arithmetic (the rounding term of\n"
      << "Theorem 3 is listed separately). The table is the piecewise-linear interpolant of\n"
      << "x^2 at -1, -1/2, 0, 1: knots (-1,1), (-1/2,1/4), (0,0), (1,1).\n\n"
      << "## Errors at m = 64 and the smallest m for 1e-3 and 1e-6\n\n"
      << "m counts the sigmoid terms per channel (x*y has two channels: 2m heads). The smallest m\n"
      << "is searched at `double` (bound: approximation bound + Theorem 3 at double; measured:\n"
      << "largest observed error), by doubling then bisection, up to m = 1024 (staircase,\n"
      << "measured) and m = 256 (fitted); '>N' means not reached within the cap.\n\n"
      << "| f | range | construction | m | bound (exact arith.) | rounding bound, double | error, double | error, mpfr:128 | m for 1e-3: bound / measured | m for 1e-6: bound / measured |\n"
      << "|---|---|---|---|---|---|---|---|---|---|\n";
  VerifyCommon common;
  common.trials = 100;
  for (const Case& cs : cases) {
    const Target target = make_target(cs.kind, cs.range, cs.knots);
    for (Construction c : {Construction::Staircase, Construction::Fitted}) {
      std::cerr << "report: " << target_name(cs.kind) << " " << range_text(target.lo, target.hi) << " " << construction_name(c) << "\n";
      const Row d = check(target, c, m, dbl, common);
      const auto points = sample_points(target, grid_points(m), common.trials, common.seed);
      const ErrorSummary e128 = measure(target, evaluate(d.block, points, m128), measure_precision(m128));
      std::string cells[2];
      for (int k = 0; k < 2; ++k) {
        const double E = k == 0 ? 1e-3 : 1e-6;
        TermSearch s(target, dbl, E, common.trials, common.seed);
        const int cap = c == Construction::Staircase ? 1024 : 256;
        std::optional<int> by_bound, measured;
        if (c == Construction::Staircase) {
          by_bound = s.staircase_by_bound(1 << 26);
        } else {
          by_bound = smallest(cap, [&](int mm) { return s.fitted_bound(mm) <= E; });
        }
        measured = smallest(cap, [&](int mm) { return s.measured(c, mm).max_error <= E; });
        cells[k] = (by_bound ? std::to_string(*by_bound) : ">" + std::to_string(c == Construction::Staircase ? (1 << 26) : cap)) + " / " +
                   (measured ? std::to_string(*measured) : ">" + std::to_string(cap));
      }
      out << fmt::format("| {} | {} | {} | {} | {} ({}) | {} | {} | {} | {} | {} |\n", target_name(cs.kind),
                         range_text(target.lo, target.hi), construction_name(c) + (c == Construction::Fitted ? " (" + width_text(d.block) + ")" : ""),
                         m, sci(d.bound.approximation), d.bound.certified ? "certified" : "proved", sci(d.bound.rounding),
                         sci(d.error.max_error), sci(e128.max_error), cells[0], cells[1]);
      out.flush();
    }
  }
  // The width trade-off.
  out << "\n## The width trade-off (fitted x^2 on -1..1, m = 64)\n\n"
      << "Wider sigmoids (smaller beta = sharpness x grid step) fit better, but the least-squares\n"
      << "weights grow, and Theorem 3's rounding term grows with sum |c_i|.\n\n"
      << "| beta | max abs c_i | certified bound (exact) | rounding bound, double | error, double | error, mpfr:128 | rounding bound, bf16 | error, bf16 |\n"
      << "|---|---|---|---|---|---|---|---|\n";
  const Target sq = make_target(TargetKind::Square, std::nullopt);
  const auto points = sample_points(sq, grid_points(m), 100, 1);
  for (const Rational& beta : default_fit_betas()) {
    std::cerr << "report: trade-off beta = " << to_string(beta) << "\n";
    BuildOptions o;
    o.betas = {beta};
    const SigmoidBlock b = build_block(sq, Construction::Fitted, m, o);
    const BlockBound bd = block_bound(b, rounding_model(dbl));
    const ScalarSpec bf = parse_scalar("bf16");
    out << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", to_string(beta), sci(max_value_weight(b)), sci(bd.approximation),
                       sci(bd.rounding), sci(measure(sq, evaluate(b, points, dbl)).max_error),
                       sci(measure(sq, evaluate(b, points, m128)).max_error), sci(rounding_bound(b, rounding_model(bf))),
                       sci(measure(sq, evaluate(b, points, bf)).max_error));
  }
  const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 60;
  out << fmt::format("\n(generated in {:.1f} minutes)\n", minutes);
}

}  // namespace loopcert::cli
