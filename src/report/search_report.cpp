// The reports of `loopcert search precision|lambda|grid` (JSON, text, CSV), from the
// searches' result structs (analysis/search.hpp).
#include "report/search_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "report/json.hpp"

namespace loopcert::report {

namespace {

std::string decimal(const Rational& q) { return fmt::format("{:g}", to_double(q)); }

// The compiler's reason when the probe's loop could not be built (the Runner's "compile"
// divergence, as `run` refuses it with exit 2), else empty.
std::string refused(const analysis::Probe& p) {
  return p.divergence && p.divergence->field == "compile" ? "refused: " + p.divergence->detail : "";
}

nlohmann::json probe_json(const analysis::Probe& p) {
  nlohmann::json j{{"scalar", p.scalar.name()}, {"lambda", to_double(p.lambda)}, {"agree", p.agree},
                   {"loops", p.loops},          {"max_drift", number(p.max_drift)}, {"seconds", p.seconds}};
  if (p.scalar.kind == ScalarKind::Mpfr) j["bits"] = p.scalar.precision;
  if (p.divergence)
    j["first_divergence"] = {{"loop", p.divergence->loop}, {"field", p.divergence->field}, {"expected", p.divergence->expected},
                             {"actual", p.divergence->actual}, {"detail", p.divergence->detail}};
  else
    j["first_divergence"] = nullptr;
  if (const std::string why = refused(p); !why.empty()) j["refused"] = why;
  j["engine"] = p.engine;
  return j;
}

// The precisions whose loop could not be built, as "2..7" runs, and the reason at the
// highest of them (the one nearest the precisions that were built).
std::string refused_line(const std::vector<analysis::Probe>& runs) {
  std::vector<long> bits;
  std::string why;
  long top = -1;
  for (const auto& p : runs)
    if (const std::string r = refused(p); !r.empty()) {
      bits.push_back(p.scalar.precision);
      if (p.scalar.precision > top) top = p.scalar.precision, why = r;
    }
  if (bits.empty()) return "";
  std::sort(bits.begin(), bits.end());
  std::string list;
  for (std::size_t i = 0; i < bits.size();) {
    std::size_t k = i;
    while (k + 1 < bits.size() && bits[k + 1] == bits[k] + 1) ++k;
    list += fmt::format("{}{}", list.empty() ? "" : ", ", k == i ? std::to_string(bits[i]) : fmt::format("{}..{}", bits[i], bits[k]));
    i = k + 1;
  }
  return fmt::format("refused        mpfr:{} (counted as failing; at mpfr:{}: {})\n", list, top, why);
}

}  // namespace

nlohmann::json precision_json(const analysis::PrecisionSearch& s, const SearchContext& c, const Rational& lambda, bool lambda_default,
                              double predicted_lambda) {
  const double ratio = (s.bits_min && s.predicted_bits > 0) ? double(s.predicted_bits) / double(*s.bits_min) : NAN;
  nlohmann::json j;
  j["search"] = "precision";
  j["program"] = c.program;
  j["lambda"] = to_double(lambda);
  j["lambda_default"] = lambda_default;
  if (s.lambda_per_run) j["lambda_per_run"] = true;
  j["bits"] = {s.lo, s.hi};
  j["bits_min"] = s.bits_min ? nlohmann::json(*s.bits_min) : nlohmann::json(nullptr);
  j["bisection_bits"] = s.bisection_bits ? nlohmann::json(s.bisection_bits) : nlohmann::json(nullptr);
  j["non_monotone"] = s.non_monotone;
  j["fails_above"] = s.fails_above;
  j["predicted_bits"] = s.predicted_bits > 0 ? nlohmann::json(s.predicted_bits) : nlohmann::json(nullptr);
  j["predicted_lambda"] = number(predicted_lambda);
  j["ratio"] = number(ratio);
  if (!s.no_prediction.empty()) j["no_prediction"] = s.no_prediction;
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& p : s.runs) runs.push_back(probe_json(p));
  j["runs"] = runs;
  j["seconds"] = s.seconds;
  return j;
}

std::string precision_text(const analysis::PrecisionSearch& s, const SearchContext& c, const Rational& lambda, bool lambda_default) {
  const double ratio = (s.bits_min && s.predicted_bits > 0) ? double(s.predicted_bits) / double(*s.bits_min) : NAN;
  std::string out;
  out += fmt::format("program        {} ({})\n", c.program, c.description);
  if (s.lambda_per_run)
    out += fmt::format("lambda         each precision's own default ({} at mpfr:{}; every run's in --json)\n", decimal(lambda), s.hi);
  else
    out += fmt::format("lambda         {}{}\n", decimal(lambda), !lambda_default ? "" : " (default)");
  out += fmt::format("bits           {}..{}: {} runs in {:.2f} s (bisection, then a confirming scan of every precision above)\n",
                           s.lo, s.hi, s.runs.size(), s.seconds);
  if (s.bits_min) {
    out += fmt::format("minimum        mpfr:{} (every precision from {} to {} agrees to the end)\n", *s.bits_min, *s.bits_min, s.hi);
  } else {
    out += fmt::format("minimum        none: mpfr:{} already diverges\n", s.hi);
  }
  out += refused_line(s.runs);
  if (!s.fails_above.empty() || !s.non_monotone.empty()) {
    std::string list;
    for (long b : s.non_monotone) list += fmt::format(" {}", b);
    std::string above;
    for (long b : s.fails_above) above += fmt::format(" {}", b);
    out += fmt::format("non-monotone   agree below the minimum:{}; fail above the bisection's {}:{}\n", list.empty() ? " none" : list,
                             s.bisection_bits, above.empty() ? " none" : above);
  }
  if (!s.no_prediction.empty()) return out + "predicted      none: " + s.no_prediction + "\n";
  out += fmt::format("predicted      {} bits (bounds: proofs/precision.md){}\n",
                           s.predicted_bits > 0 ? std::to_string(s.predicted_bits) : "no",
                           std::isfinite(ratio) ? fmt::format(", predicted / measured = {:.2f}", ratio) : "");
  return out;
}

nlohmann::json lambda_json(const analysis::LambdaSearch& s, const SearchContext& c) {
  const double ratio = s.lambda_min ? s.predicted_lambda / to_double(*s.lambda_min) : NAN;
  nlohmann::json j;
  j["search"] = "lambda";
  j["program"] = c.program;
  j["scalar"] = s.scalar.name();
  j["resolution"] = to_double(s.resolution);
  j["lambda_cap"] = to_double(s.cap);
  j["lambda_min"] = s.lambda_min ? nlohmann::json(to_double(*s.lambda_min)) : nlohmann::json(nullptr);
  j["lambda_max"] = s.lambda_max ? nlohmann::json(to_double(*s.lambda_max)) : nlohmann::json(nullptr);
  nlohmann::json nm = nlohmann::json::array();
  for (const auto& q : s.non_monotone) nm.push_back(to_double(q));
  j["non_monotone"] = nm;
  j["predicted_lambda"] = number(s.predicted_lambda);
  j["predicted_lambda_rounding"] = number(s.predicted_lambda_rounding.value_or(NAN));
  j["default_lambda"] = number(s.default_lambda);
  j["ratio"] = number(ratio);
  j["best"] = s.best ? probe_json(*s.best) : nlohmann::json(nullptr);
  if (!s.no_prediction.empty()) j["no_prediction"] = s.no_prediction;
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& p : s.runs) runs.push_back(probe_json(p));
  j["runs"] = runs;
  j["seconds"] = s.seconds;
  return j;
}

std::string lambda_text(const analysis::LambdaSearch& s, const SearchContext& c) {
  const double ratio = s.lambda_min ? s.predicted_lambda / to_double(*s.lambda_min) : NAN;
  std::string out;
  out += fmt::format("program        {} ({})\n", c.program, c.description);
  out += fmt::format("scalar         {}, resolution {}, upper end searched up to {}; {} runs in {:.2f} s\n", s.scalar.name(),
                           decimal(s.resolution), decimal(s.cap), s.runs.size(), s.seconds);
  if (s.lambda_min)
    out += fmt::format("agrees         lambda in [{}, {}]\n", decimal(*s.lambda_min),
                             s.lambda_max ? decimal(*s.lambda_max) : fmt::format("no upper end up to {}", decimal(s.cap)));
  else
    out += fmt::format("agrees         at no lambda up to {}\n", decimal(s.cap));
  if (!s.non_monotone.empty()) {
    std::string list;
    for (const auto& q : s.non_monotone) list += fmt::format(" {}", decimal(q));
    out += fmt::format("non-monotone  {}\n", list);
  }
  if (!s.no_prediction.empty()) return out + fmt::format("predicted      none: {}; default {:g}\n", s.no_prediction, s.default_lambda);
  out += fmt::format("predicted      lambda >= {:g} (bounds, exact arithmetic: loop_is_exact){}; default {:g}\n", s.predicted_lambda,
                           std::isfinite(ratio) ? fmt::format(", predicted / measured = {:.2f}", ratio) : "", s.default_lambda);
  out += fmt::format("with rounding  {}\n", s.predicted_lambda_rounding
                                                      ? fmt::format("lambda >= {:g} (loop_budget at {})", *s.predicted_lambda_rounding, s.scalar.name())
                                                      : "no lambda <= 200 satisfies the rounding budget at " + s.scalar.name());
  return out;
}

std::string grid_csv(const analysis::GridSearch& s) {
  std::string csv = "bits,lambda,agree,first_divergent_loop,field,loops,predicted\n";
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    const auto& c = s.cells[i];
    csv += fmt::format("{},{},{},{},{},{},{}\n", c.scalar.precision, decimal(c.lambda), c.agree ? 1 : 0,
                       c.divergence ? std::to_string(c.divergence->loop) : "", c.divergence ? c.divergence->field : "", c.loops,
                       s.predicted[i] ? 1 : 0);
  }
  return csv;
}

nlohmann::json grid_json(const analysis::GridSearch& s, const SearchContext& ctx) {
  const std::size_t w = s.lambdas.size();
  nlohmann::json j;
  j["search"] = "grid";
  j["program"] = ctx.program;
  j["bits"] = {s.lo, s.hi};
  nlohmann::json lambdas = nlohmann::json::array();
  for (const auto& l : s.lambdas) lambdas.push_back(to_double(l));
  j["lambdas"] = lambdas;
  nlohmann::json cells = nlohmann::json::array();
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    const auto& c = s.cells[i];
    cells.push_back({{"bits", c.scalar.precision},
                     {"lambda", to_double(c.lambda)},
                     {"agree", c.agree},
                     {"loops", c.loops},
                     {"first_divergent_loop", c.divergence ? nlohmann::json(c.divergence->loop) : nlohmann::json(nullptr)},
                     {"field", c.divergence ? nlohmann::json(c.divergence->field) : nlohmann::json(nullptr)},
                     {"predicted", static_cast<bool>(s.predicted[i])}});
    if (const std::string why = refused(c); !why.empty()) cells.back()["refused"] = why;
  }
  j["cells"] = cells;
  nlohmann::json pb = nlohmann::json::array();
  for (std::size_t k = 0; k < w; ++k)
    pb.push_back({{"lambda", to_double(s.lambdas[k])}, {"bits", s.predicted_bits[k] > 0 ? nlohmann::json(s.predicted_bits[k]) : nlohmann::json(nullptr)}});
  j["predicted_bits"] = pb;
  j["predicted_lambda"] = number(s.predicted_lambda);
  if (!s.no_prediction.empty()) j["no_prediction"] = s.no_prediction;
  j["seconds"] = s.seconds;
  return j;
}

std::string grid_phase_diagram(const analysis::GridSearch& s, const Rational& first, const Rational& last, const Rational& step) {
  const std::size_t w = s.lambdas.size();
  std::string out;
  out += fmt::format("phase diagram (rows: bits {}..{}; columns: lambda {}..{} step {}; 'p' agrees where the bounds "
                           "predict it, '#' agrees beyond the prediction, '.' diverges, '!' diverges where the bounds predict agreement)\n",
                           s.lo, s.hi, decimal(first), decimal(last), decimal(step));
  for (long b = s.hi; b >= s.lo; --b) {
    std::string line = fmt::format("{:>5} ", b);
    for (std::size_t k = 0; k < w; ++k) {
      const std::size_t i = static_cast<std::size_t>(b - s.lo) * w + k;
      line += s.cells[i].agree ? (s.predicted[i] ? 'p' : '#') : (s.predicted[i] ? '!' : '.');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace loopcert::report
