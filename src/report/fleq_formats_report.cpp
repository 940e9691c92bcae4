#include "report/fleq_formats_report.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "report/markdown.hpp"

namespace loopcert::report {

namespace {

using analysis::FleqFormatRow;

std::string result_of(const FleqFormatRow& r) {
  if (!r.run) return "refused";
  return r.run->agree ? "agrees" : "diverges";
}

Json divergence_json(const FleqFormatRow& r) {
  if (!r.run || !r.run->first_divergence) return nullptr;
  const auto& d = *r.run->first_divergence;
  return {{"loop", d.loop}, {"field", d.field}, {"expected", d.expected}, {"actual", d.actual}, {"detail", d.detail}};
}

Json row_json(const FleqFormatRow& r) {
  Json e;
  e["program"] = r.program;
  e["format"] = r.format;
  e["result"] = result_of(r);
  e["refusals"] = r.refusals;
  e["agreed"] = r.run && r.run->agree;
  e["reason"] = r.reason;
  if (!r.run) return e;
  e["loops"] = r.run->loops;
  e["steps"] = r.run->steps;
  e["halted"] = r.run->halted;
  e["controller_held"] = r.controller_held;
  e["first_divergence"] = divergence_json(r);
  e["max_error"] = {{"value", number(r.reals.max_error)}, {"cell", r.reals.max_error_cell}, {"loop", r.reals.max_error_loop}};
  Json finals = Json::object();
  for (const auto& [cell, err] : r.reals.final_errors) finals[cell] = number(err);
  e["final_errors"] = finals;
  e["constants"] = {{"read_lambda", r.read_lambda}, {"product_scale_log2", r.product_scale_log2}, {"matmul_scale_log2", r.matmul_scale_log2},
                    {"product_error", r.products ? number(r.product_error) : Json(nullptr)}};
  e["bounds"] = {{"controller_exact", r.controller_condition.empty()}, {"controller_condition", r.controller_condition},
                 {"instruction_bound", number(r.instruction_bound)}, {"instruction_bound_at", r.instruction_bound_at}};
  return e;
}

std::string file_name(const FleqFormatRow& r) { return std::filesystem::path(r.program).filename().string(); }

}  // namespace

Json fleq_formats_json(const analysis::FleqFormatsStudy& study) {
  Json j;
  j["machine"] = "fleq";
  j["data_tolerance"] = study.data_tolerance;
  Json rows = Json::array();
  for (const auto& r : study.rows) rows.push_back(row_json(r));
  j["formats"] = rows;
  j["certified_formats_agree"] = study.certified_formats_agree;
  return j;
}

std::string fleq_formats_text(const analysis::FleqFormatsStudy& study) {
  std::string out = fmt::format(
      "formats table (FLEQ): each program at every format, its constants compiled for the format, refused before running when "
      "the format cannot hold the loop's weights, else run to the end in lockstep (--data-tolerance {:g})\n\n",
      study.data_tolerance);
  MarkdownTable t{{"program", "format", "result", "loops", "largest error (cell, loop)", "first divergence"}, {}, {}};
  for (const auto& r : study.rows) {
    std::string loops = "-", peak = "-", div = "-";
    if (r.run) {
      loops = std::to_string(r.run->loops);
      peak = fmt::format("{:.3g} ({}, {})", r.reals.max_error, r.reals.max_error_cell.empty() ? "-" : r.reals.max_error_cell, r.reals.max_error_loop);
      if (r.run->first_divergence) div = fmt::format("loop {}: {}", r.run->first_divergence->loop, r.run->first_divergence->field);
    }
    t.add({file_name(r), r.format, result_of(r), loops, peak, div});
  }
  out += t.str();
  std::string why;
  for (const auto& r : study.rows) {
    if (r.reason.empty()) continue;
    why += fmt::format("- {} at {}: {}\n", file_name(r), r.format, r.reason);
    for (std::size_t i = 1; i < r.refusals.size(); ++i) why += "    also: " + r.refusals[i] + "\n";
  }
  if (!why.empty()) out += "\nwhy the failures fail:\n" + why;
  out += "\nrefused: compile/fleq/format_limits.hpp (a weight the format cannot hold: it overflows or does not round-trip); "
         "diverges: the first divergence, whether the controller held, and the FLEQ bounds at the format's unit roundoff "
         "(bounds/fleq_loop.hpp; elementwise functions left out: their fits' certified errors are not computed here)\n";
  return out;
}

}  // namespace loopcert::report
