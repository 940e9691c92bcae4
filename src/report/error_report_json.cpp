// data.json and the CSVs of `loopcert report`: every measured number, under the names the
// page uses. The schema is documented in the README ("loopcert report"); the inverse is
// error_report_parse.cpp.
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "report/detail/error_report_json.hpp"
#include "report/error_report_figures.hpp"
#include "report/error_report.hpp"

namespace loopcert::report {

namespace detail {

Json verdict_json(const ScalarVerdict& v) {
  Json drift = Json::array();
  for (double d : v.drift) drift.push_back(number(d));
  return {{"scalar", v.scalar},
          {"engine", v.engine},
          {"agree", v.agree},
          {"halted", v.halted},
          {"loops", v.loops},
          {"steps", v.steps},
          {"divergence", v.divergence.empty() ? Json(nullptr) : Json(v.divergence)},
          {"certified", v.certified},
          {"certified_exact", v.certified_exact},
          {"needs_bits", v.needs_bits < 0 ? Json(nullptr) : Json(v.needs_bits)},
          {"max_drift", number(v.max_drift)},
          {"drift", drift},
          {"seconds", v.seconds}};
}

Json program_json(const ProgramReport& p) {
  Json j{{"name", p.name},     {"bits", p.bits},         {"columns", p.columns},
         {"layers", p.layers}, {"heads", p.heads},       {"commands", p.commands},
         {"steps", p.steps},   {"default_lambda", p.default_lambda}};
  j["scalars"] = Json::array();
  for (const auto& v : p.scalars) j["scalars"].push_back(verdict_json(v));
  j["layer_peaks"] = Json::array();
  for (const auto& b : p.layer_peaks) j["layer_peaks"].push_back({{"layer", b.layer}, {"error", number(b.error)}, {"loop", b.loop}, {"row", b.row}});
  j["lambda_min"] = optional(p.lambda_min);
  j["lambda_predicted"] = number(p.lambda_predicted);
  j["bits_min"] = optional(p.bits_min);
  j["bits_predicted"] = p.bits_predicted < 0 ? Json(nullptr) : Json(p.bits_predicted);
  return j;
}

Json phase_json(const PhaseDiagram& d) {
  return {{"program", d.program}, {"lambdas", d.lambdas}, {"bits", d.bits}, {"agree", d.agree}, {"predicted_bits", d.predicted_bits}};
}

Json attention_json(const AttentionMap& a) {
  return {{"program", a.program}, {"loop", a.loop}, {"layer", a.layer}, {"head", a.head}, {"columns", a.columns}, {"weights", a.weights}};
}

Json lemma_json(const LemmaRow& r) {
  return {{"lemma", r.lemma},
          {"scalar", r.scalar},
          {"bound_function", r.bound_function},
          {"trials", r.trials},
          {"random", {{"max_observed", number(r.random_observed)}, {"bound_at_max", number(r.random_bound)}, {"max_ratio", number(r.random_ratio)}}},
          {"worst_case", {{"max_observed", number(r.worst_observed)}, {"bound_at_max", number(r.worst_bound)}, {"max_ratio", number(r.worst_ratio)}}},
          {"violations", r.violations},
          {"unavailable", r.unavailable.empty() ? Json(nullptr) : Json(r.unavailable)}};
}

Json sigmoid_json(const SigmoidSection& s) {
  Json j{{"target", s.target}, {"range", s.range}, {"scalar", s.scalar}, {"terms", s.terms}, {"x", s.x}, {"target_values", s.target_values}};
  j["curves"] = Json::array();
  for (const auto& c : s.curves) {
    Json error = Json::array();
    for (double e : c.error) error.push_back(number(e));
    Json approximation = Json::array();
    for (double a : c.approximation) approximation.push_back(number(a));
    j["curves"].push_back({{"construction", c.construction},
                           {"width", c.width},
                           {"max_error", number(c.max_error)},
                           {"points", c.points},
                           {"bound", number(c.bound)},
                           {"bound_approximation", number(c.bound_approximation)},
                           {"bound_rounding", number(c.bound_rounding)},
                           {"certified", c.certified},
                           {"holds", c.holds},
                           {"approximation", approximation},
                           {"error", error}});
  }
  return j;
}

}  // namespace detail

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  if (!(out << text)) throw std::runtime_error("cannot write '" + path.string() + "'");
}

}  // namespace

Json to_json(const ErrorReport& r) {
  using namespace detail;
  Json j{{"schema", "loopcert-report/1"}, {"generated", r.generated}, {"quick", r.quick}, {"scalars", r.scalars}, {"seconds", r.seconds}};
  j["programs"] = Json::array();
  for (const auto& p : r.programs) j["programs"].push_back(program_json(p));
  j["phase"] = r.phase ? phase_json(*r.phase) : Json(nullptr);
  j["attention"] = Json::array();
  for (const auto& a : r.attention) j["attention"].push_back(attention_json(a));
  j["lemmas"] = Json::array();
  for (const auto& l : r.lemmas) j["lemmas"].push_back(lemma_json(l));
  j["sigmoid"] = r.sigmoid ? sigmoid_json(*r.sigmoid) : Json(nullptr);
  j["disagreements"] = Json::array();
  for (const auto& d : r.disagreements)
    j["disagreements"].push_back({{"topic", d.topic}, {"paper", d.paper}, {"loopcert", d.loopcert}, {"evidence", d.evidence}});
  return j;
}

void write_report(const ErrorReport& r, const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  // Everything is rendered in memory first, so a failure leaves no half-written report.
  const std::string html = to_html(r), md = to_markdown(r), json = to_json(r).dump(1) + "\n";
  std::string drift = "program,scalar,loop,drift\n";
  for (const auto& p : r.programs)
    for (const auto& v : p.scalars)
      for (std::size_t k = 0; k < v.drift.size(); ++k) drift += p.name + "," + v.scalar + "," + std::to_string(k + 1) + "," + fmt_number(v.drift[k]) + "\n";
  std::string phase = "bits,lambda,agree,predicted_bits\n";
  if (r.phase)
    for (std::size_t i = 0; i < r.phase->bits.size(); ++i)
      for (std::size_t j = 0; j < r.phase->lambdas.size(); ++j)
        phase += std::to_string(r.phase->bits[i]) + "," + fmt_number(r.phase->lambdas[j]) + "," + std::to_string(r.phase->agree[i][j]) +
                 "," + std::to_string(r.phase->predicted_bits[j]) + "\n";
  write_file(fs::path(dir) / "index.html", html);
  write_file(fs::path(dir) / "report.md", md);
  write_file(fs::path(dir) / "data.json", json);
  write_file(fs::path(dir) / "drift.csv", drift);
  write_file(fs::path(dir) / "phase.csv", phase);
  // Each figure on its own too, for a paper or a README (the same SVG as on the page).
  fs::create_directories(fs::path(dir) / "figures");
  for (const auto& f : all_figures(r)) write_file(fs::path(dir) / "figures" / figure_file(f), f.figure.svg + "\n");
}

}  // namespace loopcert::report
