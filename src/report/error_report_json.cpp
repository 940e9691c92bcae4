// data.json and the CSVs of `loopcert report`: every measured number, under the names the
// page uses. The schema is documented in the README ("loopcert report").
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "report/error_report.hpp"

namespace loopcert::report {

namespace {

Json verdict_json(const ScalarVerdict& v) {
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

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  if (!(out << text)) throw std::runtime_error("cannot write '" + path.string() + "'");
}

}  // namespace

Json to_json(const ErrorReport& r) {
  Json j{{"schema", "loopcert-report/1"}, {"generated", r.generated}, {"quick", r.quick}, {"scalars", r.scalars}, {"seconds", r.seconds}};
  j["programs"] = Json::array();
  for (const auto& p : r.programs) j["programs"].push_back(program_json(p));
  if (r.phase) {
    j["phase"] = {{"program", r.phase->program}, {"lambdas", r.phase->lambdas}, {"bits", r.phase->bits},
                  {"agree", r.phase->agree},     {"predicted_bits", r.phase->predicted_bits}};
  }
  j["attention"] = Json::array();
  for (const auto& a : r.attention)
    j["attention"].push_back({{"program", a.program}, {"loop", a.loop}, {"layer", a.layer}, {"head", a.head}, {"columns", a.columns}, {"weights", a.weights}});
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
}

}  // namespace loopcert::report
