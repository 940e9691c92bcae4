// `loopcert run --json` (the field list: README, "JSON fields of run").
#include "report/run_report.hpp"

#include <cmath>
#include <variant>

#include "report/json.hpp"

namespace loopcert::report {

namespace {

using nlohmann::json;

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json value_json(const compile::Value& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

json divergence_json(const analysis::Divergence& d) {
  json j{{"loop", d.loop}, {"field", d.field}, {"expected", d.expected}, {"actual", d.actual}, {"detail", d.detail}};
  j["layer"] = text_or_null(d.layer);
  j["quantity"] = text_or_null(d.quantity);
  return j;
}

json peak_json(const analysis::LayerPeak& p) {
  return {{"layer", p.layer}, {"error", number(p.error)}, {"loop", p.loop}, {"row", p.row}, {"column", p.column}};
}

json layer_errors_json(const std::vector<analysis::LayerError>& errors, const analysis::RunResult& r, const Layout& layout) {
  json out = json::array();
  for (std::size_t l = 0; l < errors.size(); ++l)
    out.push_back({{"layer", r.layer_names[l]},
                   {"error", number(errors[l].error)},
                   {"row", errors[l].row >= 0 ? layout.describe_row(errors[l].row) : ""},
                   {"column", errors[l].column >= 0 ? layout.describe_column(errors[l].column) : ""}});
  return out;
}

json decomposition_json(const analysis::RunResult& r) {
  const auto& p = *r.parts;
  json layers = json::array();
  for (std::size_t l = 0; l < p.rounding_layers.size(); ++l)
    layers.push_back({{"layer", r.layer_names.empty() ? std::to_string(l) : r.layer_names[l]},
                      {"total", number(r.layer_peaks.empty() ? NAN : r.layer_peaks[l].error)},
                      {"temperature", number(p.temperature_layers[l])},
                      {"rounding", number(p.rounding_layers[l])}});
  return {{"reference", "mpfr:256, same lambda, stepped layer by layer beside the run"},
          {"total_max", number(r.max_drift)},
          {"total_final", number(r.final_drift)},
          {"temperature_max", number(p.temperature_max)},
          {"temperature_final", number(p.temperature_final)},
          {"temperature_agrees", p.high_agrees},
          {"rounding_max", number(p.rounding_max)},
          {"rounding_max_loop", p.rounding_max_loop},
          {"rounding_final", number(p.rounding_final)},
          {"layers", layers}};
}

json bounds_json(const RunContext& c, const std::string& scalar) {
  json j = json::object();
  for (const auto& f : c.bounds.numbers) j[f.name] = value_json(f.value);
  const auto& cert = c.certificate;
  j["certified"] = cert.at_scalar;          // at the run's own scalar (issue 10, defect 3)
  j["certified_exact"] = cert.exact;        // the loop theorem in exact arithmetic
  j["scalar"] = scalar;
  j["needs"] = cert.at_scalar ? json(nullptr)
                              : json{{"bits", cert.needs_bits > 0 ? json(cert.needs_bits) : json(nullptr)},
                                     {"lambda", cert.needs_lambda ? json(*cert.needs_lambda) : json(nullptr)}};
  return j;
}

json trace_json(const analysis::RunResult& r, const Layout& layout) {
  json rows = json::array();
  for (const auto& t : r.trace) {
    json row{{"loop", t.loop}, {"drift", number(t.drift)}, {"margin", number(t.margin)}};
    if (t.instruction) {
      row["pc"] = t.instruction->pc;
      for (const auto& f : t.instruction->fields) row[f.name] = value_json(f.value);
    }
    if (!t.layers.empty()) row["layers"] = layer_errors_json(t.layers, r, layout);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

json memory_json(const std::vector<compile::Cell>& cells, bool hidden) {
  json out = json::object();
  for (const auto& cell : cells)
    if (cell.hidden == hidden) out[cell.name] = value_json(cell.value);
  return out;
}

json run_json(const analysis::RunResult& r, const RunContext& c) {
  json j;
  j["program"] = c.program;
  j["scalar"] = r.scalar;
  j["lambda"] = r.lambda_value;
  j["lambda_exact"] = r.lambda;
  j["lambda_default"] = c.lambda_default;
  j["steps"] = r.steps;
  j["loops"] = r.loops;
  j["halted"] = r.halted;
  // Why the run ended (issue 16): an agreeing run that did not halt stopped at --max-steps,
  // which is not a halt even though the exit status is 0.
  j["stopped"] = r.halted ? "halted" : (r.agree ? "max_steps" : "divergence");
  j["agree"] = r.agree;
  j["memory"] = memory_json(r.memory, false);
  const json hidden = memory_json(r.memory, true);
  if (!hidden.empty()) j["hidden_memory"] = hidden;
  j["max_drift"] = number(r.max_drift);
  j["max_drift_loop"] = r.max_drift_loop;
  j["max_drift_layer"] = text_or_null(r.max_drift_layer);
  j["final_drift"] = number(r.final_drift);
  j["tolerance"] = c.tolerance;
  j["margin"] = number(c.tolerance - r.max_drift);
  j["first_divergence"] = r.first_divergence ? divergence_json(*r.first_divergence) : json(nullptr);
  if (r.first_divergence && !r.divergence_layers.empty()) j["first_divergence"]["layers"] = layer_errors_json(r.divergence_layers, r, *c.layout);
  j["engine"] = r.engine;
  if (r.layers_tracked) {
    json peaks = json::array();
    for (const auto& p : r.layer_peaks) peaks.push_back(peak_json(p));
    j["layer_errors"] = peaks;
    j["peak"] = peak_json(r.peak);
    j["reference"] = {{"kind", "hardmax, exact in double"}, {"exact", r.reference_exact}};
  }
  if (r.parts) j["decomposition"] = decomposition_json(r);
  j["layers"] = r.layers;
  j["heads"] = r.heads;
  j["max_heads_per_layer"] = r.max_heads_per_layer;
  j["rows"] = r.rows;
  j["columns"] = r.columns;
  j["hidden_units"] = r.hidden_units;
  j["bits"] = c.bits;
  j["bounds"] = bounds_json(c, r.scalar);
  j["seconds"] = r.seconds;
  if (c.trace) j["trace"] = trace_json(r, *c.layout);
  return j;
}

}  // namespace loopcert::report
