#include "report/formats_report.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "report/json.hpp"

namespace loopcert::report {

namespace {

using analysis::FormatRow;
using analysis::lambda_label;

nlohmann::json num_or_null(const std::optional<Rational>& q) { return q ? nlohmann::json(to_double(*q)) : nlohmann::json(nullptr); }

nlohmann::json divergence_json(const std::optional<analysis::Divergence>& d) {
  if (!d) return nullptr;
  return {{"loop", d->loop}, {"field", d->field}, {"expected", d->expected}, {"actual", d->actual},
          {"detail", d->detail}, {"layer", d->layer}, {"quantity", d->quantity}};
}

nlohmann::json row_json(const FormatRow& r) {
  nlohmann::json e;
  e["program"] = r.program;
  e["format"] = r.format;
  e["lambda_min"] = num_or_null(r.search.lambda_min);
  e["lambda_max"] = num_or_null(r.search.lambda_max);
  e["non_monotone"] = r.search.non_monotone.size();
  e["best_lambda"] = r.search.best ? nlohmann::json(to_double(r.search.best->lambda)) : nlohmann::json(nullptr);
  e["predicted_lambda"] = number(r.search.predicted_lambda);
  e["predicted_lambda_rounding"] = number(r.search.predicted_lambda_rounding.value_or(NAN));
  const auto& run = *r.run;
  e["loops"] = run.loops;
  e["steps"] = run.steps;
  e["halted"] = run.halted;
  e["agreed"] = run.agree;
  e["max_drift"] = number(run.max_drift);
  e["first_divergence"] = divergence_json(run.first_divergence);
  e["reason"] = r.reason;
  e["below_interval"] = r.below;
  e["above_interval"] = r.above;
  nlohmann::json peaks = nlohmann::json::array();
  for (const auto& p : run.layer_peaks) peaks.push_back({{"layer", p.layer}, {"error", number(p.error)}, {"loop", p.loop}, {"row", p.row}});
  e["layer_errors"] = peaks;
  nlohmann::json worst = nlohmann::json::array();
  for (const auto& w : r.weights.worst) worst.push_back(analysis::describe(w));
  e["weights"] = {{"total", r.weights.total}, {"not_representable", r.weights.changed}, {"non_finite", r.weights.non_finite},
                  {"examples", worst}, {"lambda", r.weights.lambda_note}};
  e["bounds"] = {{"certified", r.budget.holds}, {"failing", r.budget.failing}};
  return e;
}

std::string file_name(const FormatRow& r) { return std::filesystem::path(r.program).filename().string(); }

std::string interval(const FormatRow& r) {
  if (!r.search.lambda_min) return std::string("none");
  return fmt::format("[{}, {}]", lambda_label(*r.search.lambda_min), r.search.lambda_max ? lambda_label(*r.search.lambda_max) : "-");
}

std::string table_line(const FormatRow& r) {
  const auto& run = *r.run;
  std::string div = "-";
  if (run.first_divergence)
    div = fmt::format("loop {}: {} ({})", run.first_divergence->loop, run.first_divergence->field,
                      run.first_divergence->layer.empty() ? run.first_divergence->detail : "layer " + run.first_divergence->layer);
  return fmt::format("| {} | {} | {} | {} | {} | {} | {:.2g} | {} | {} |\n", file_name(r), r.format, interval(r),
                     r.search.best ? lambda_label(r.search.best->lambda) : "-", run.loops, run.agree ? "yes" : "no", run.max_drift, div,
                     r.budget.holds ? "certified" : "not certified: " + r.budget.failing);
}

std::string reasons_text(const analysis::FormatsStudy& study) {
  std::string out;
  for (const auto& r : study.rows)
    if (!r.reason.empty()) {
      if (out.empty()) out += "\nwhy the failures fail:\n";
      out += fmt::format("- {} at {}: {}\n", file_name(r), r.format, r.reason);
    }
  return out;
}

std::string interval_ends_text(const analysis::FormatsStudy& study, const Rational& resolution) {
  std::string out;
  for (const auto& r : study.rows) {
    if (r.below.empty() && r.above.empty()) continue;
    if (out.empty()) out += "\nwhat breaks at the ends of the lambda interval:\n";
    if (!r.below.empty())
      out += fmt::format("- {} at {}, lambda {}: {}\n", file_name(r), r.format, lambda_label(*r.search.lambda_min - resolution), r.below);
    if (!r.above.empty())
      out += fmt::format("- {} at {}, lambda {}: {}\n", file_name(r), r.format, lambda_label(*r.search.lambda_max + resolution), r.above);
  }
  return out;
}

}  // namespace

nlohmann::json formats_json(const analysis::FormatsStudy& study, const FormatsContext& c) {
  nlohmann::json j;
  j["resolution"] = to_double(c.resolution);
  j["lambda_cap"] = to_double(c.lambda_cap);
  j["search_steps"] = c.search_steps;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : study.rows) list.push_back(row_json(r));
  j["formats"] = list;
  j["certified_formats_agree"] = study.certified_formats_agree;
  return j;
}

std::string formats_text(const analysis::FormatsStudy& study, const FormatsContext& c) {
  std::string out = fmt::format(
      "formats table: each program at every format, at the format's best lambda (lambda searched to resolution {} "
      "on the first {} steps, upper end up to {}; the run at the best lambda goes to the end)\n\n",
      lambda_label(c.resolution), c.search_steps, lambda_label(c.lambda_cap));
  out += "| program | format | lambda interval | best lambda | loops | agreed | max drift | first divergence | bounds |\n";
  out += "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : study.rows) out += table_line(r);
  out += reasons_text(study);
  out += interval_ends_text(study, c.resolution);
  out += "\nlambda interval: agreeing lambdas found by `loopcert search lambda` ('-': no upper end up to the cap); bounds: "
         "loop_budget (proofs/precision.md) at the format's precision\n";
  return out;
}

}  // namespace loopcert::report
