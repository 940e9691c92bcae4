#include "report/fleq_run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include "report/json.hpp"

namespace loopcert::report {

namespace {

using nlohmann::json;
namespace fq = isa::fleq;

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
// A real destination's number (null for non-finite), null for an .int one.
json real_or_null(bool real, double x) { return real && std::isfinite(x) ? json(x) : json(nullptr); }

json constants_json(const compile::fleq::FleqConstants& k, const FleqTheorem* t) {
  json j{{"data_bound", to_double(k.data_bound)}, {"int_bound", k.int_bound}, {"read_lambda", to_double(k.read_lambda)},
         {"write_lambda", to_double(k.write_lambda)}, {"product_scale_log2", k.product_scale_log2},
         {"matmul_scale_log2", k.matmul_scale_log2}, {"transpose_scale_log2", k.transpose_scale_log2},
         {"hadamard_scale_log2", k.hadamard_scale_log2}, {"read_error", number(k.read_error)},
         {"write_error", number(k.write_error)}, {"product_error", number(k.product_error)}};
  j["functions"] = t ? fleq_fits_json(t->fits) : json::array();
  if (const auto& o = k.overrides; o.any())  // run --product-c / --lambda (absent otherwise: the default JSON is unchanged)
    j["overrides"] = {{"product_c_log2", o.product_c_log2 ? json(*o.product_c_log2) : json(nullptr)},
                      {"lambda", o.lambda ? json(to_string(*o.lambda)) : json(nullptr)}};
  return j;
}

json decomposition_json(const compile::FleqDecomposition& d) {
  json cells = json::object();
  for (const auto& c : d.cells)
    cells[c.cell] = {{"approximation_max", number(c.approximation_max)}, {"approximation_loop", c.approximation_loop},
                     {"approximation_final", number(c.approximation_final)}, {"leak_rounding_max", number(c.leak_max)},
                     {"leak_rounding_loop", c.leak_loop}, {"leak_rounding_final", number(c.leak_final)}};
  return {{"reference", "the block-exact machine (compile/fleq/block_exact.hpp) stepped beside the exact one"},
          {"measure", "|x - x*| / max(1, |x*|)"},
          {"approximation", "block-exact against ideal"},
          {"leak_rounding", "transformer against block-exact"},
          {"approximation_max", {{"error", number(d.approximation_max)}, {"cell", text_or_null(d.approximation_cell)}, {"loop", d.approximation_loop}}},
          {"leak_rounding_max", {{"error", number(d.leak_max)}, {"cell", text_or_null(d.leak_cell)}, {"loop", d.leak_loop}}},
          {"stopped", d.stopped_loop ? json{{"loop", *d.stopped_loop}, {"reason", d.stopped}} : json(nullptr)},
          {"cells", cells}};
}

json row_json(const compile::FleqLoopRow& m, const FleqTheorem* t, bool decompose) {
  json j{{"cell_error", number(m.error)}, {"own_error", number(m.own)}};
  double bound = NAN;
  if (t)
    for (const auto& in : t->instructions)
      if (in.pc == m.pc && in.real) bound = in.bound.total;
  j["bound"] = number(bound);
  j["own_over_bound"] = number(m.own / bound);
  if (decompose) j["approximation"] = number(m.approximation), j["leak_rounding"] = number(m.leak);
  return j;
}

// The FLEQ-only part of the report: the real cells' errors and the reference's memory.
json extras_json(const FleqRunExtras& e) {
  json finals = json::object();
  for (const auto& [cell, error] : e.log.final_errors) finals[cell] = number(error);
  json j{{"data_tolerance", e.data_tolerance},
         {"max_error", {{"error", number(e.log.max_error)}, {"cell", text_or_null(e.log.max_error_cell)}, {"loop", e.log.max_error_loop}}},
         {"final_errors", finals},
         {"reference_memory", fleq_cells_json(e.log.reference)},
         {"constants", constants_json(e.constants, e.theorem)}};
  if (e.theorem) j["loop_theorem"] = fleq_theorem_json(*e.theorem);
  j["decomposition"] = e.log.decompose ? decomposition_json(*e.log.decompose) : json(nullptr);
  return j;
}

}  // namespace

json fleq_fits_json(const std::vector<FleqFitReport>& fits) {
  json out = json::array();
  for (const auto& f : fits)
    out.push_back({{"function", f.function}, {"range", {f.lo, f.hi}}, {"terms", f.terms}, {"width", f.width}, {"sum_abs_c", f.sum_c},
                   {"margin", f.margin}, {"fit_error", number(f.fit_error)}, {"fit_error_converged", f.converged}});
  return out;
}

std::vector<FleqCellSummary> fleq_cell_summaries(const FleqTheorem& t) {
  std::vector<FleqCellSummary> out;
  for (const auto& in : t.instructions) {
    if (!in.real || in.count == 0) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const FleqCellSummary& c) { return c.cell == in.cell; });
    if (it == out.end()) it = out.insert(out.end(), FleqCellSummary{in.cell});
    ++it->instructions;
    it->loops += in.count;
    it->bound = std::max(it->bound, in.bound.total);
    it->observed = std::max(it->observed, in.observed);
    if (in.ratio >= it->ratio) it->ratio = in.ratio, it->worst = &in;
  }
  return out;
}

json fleq_theorem_json(const FleqTheorem& t) {
  json instructions = json::array();
  for (const auto& in : t.instructions)
    instructions.push_back({{"pc", in.pc}, {"line", in.line}, {"instruction", in.text}, {"cell", in.cell}, {"real", in.real},
                            {"bound", real_or_null(in.real, in.bound.total)}, {"bound_reason", text_or_null(in.bound.reason)},
                            {"before_write", number(in.bound.before_write)}, {"write", number(in.bound.write)}, {"loops", in.count},
                            {"observed", real_or_null(in.real, in.observed)}, {"observed_loop", in.observed_loop},
                            // observed / an infinite bound is no ratio (0 would read as a pass)
                            {"ratio", real_or_null(in.real && std::isfinite(in.bound.total), in.ratio)}});
  json cells = json::object();
  for (const auto& c : fleq_cell_summaries(t))
    cells[c.cell] = {{"bound", number(c.bound)}, {"observed", number(c.observed)}, {"ratio", real_or_null(std::isfinite(c.bound), c.ratio)},
                     {"worst_line", c.worst ? c.worst->line : 0}, {"instructions", c.instructions}, {"loops", c.loops}};
  const auto& k = t.controller;
  return {{"theorem", "proofs/fleq_loop.md"},
          {"scalar", t.scalar},
          {"unit_roundoff", t.u},
          {"certified", t.certified},
          {"fails", t.fails},
          {"needs", text_or_null(t.needs)},
          {"beyond_data_tolerance", t.beyond_tolerance},
          {"lemma_f", t.lemma_f},
          {"controller", {{"exact", k.exact()}, {"fetch_attention", number(k.fetch_attention)}, {"int_error", number(k.int_error)},
                          {"flag_error", number(k.flag_error)}, {"reason", text_or_null(k.reason)}}},
          {"stored_limit", number(t.stored_limit)},
          {"stored_max", number(t.stored_max)},
          {"worst_ratio", number(t.worst_ratio)},
          {"worst_pc", t.worst_pc},
          {"violated", t.violated},
          {"cells", cells},
          {"instructions", instructions}};
}

json fleq_cells_json(const std::vector<compile::Cell>& cells) {
  json out = json::object();
  for (const auto& cell : cells) {
    if (const auto* rows = std::get_if<std::string>(&cell.value)) out[cell.name] = json::parse(*rows);
    else if (const auto* x = std::get_if<double>(&cell.value)) out[cell.name] = number(*x);
    else out[cell.name] = std::get<std::int64_t>(cell.value);
  }
  return out;
}

RunContext fleq_run_context(const fq::FleqProgram& program, const compile::LoopTarget& target, const FleqTheorem& theorem, bool trace) {
  RunContext c;
  c.program = program.source;
  c.description = fmt::format("FLEQ, {} cells, {} instructions, n = {} columns", program.cell_count(), program.instruction_count(),
                              target.compiled->layout.columns());
  c.lambda_default = true;
  c.lambda_default_text = "the fetch read's temperature, chosen by the compiler";
  c.tolerance = 0.25;
  c.trace = trace;
  c.trace_header = target.trace_header;
  c.layout = &target.compiled->layout;
  c.bounds = target.predict.summary(to_double(target.predict.default_lambda));
  c.certificate.at_scalar = theorem.certified;
  c.certificate.exact = theorem.controller.exact();
  c.verdict = fleq_verdict_text(theorem);
  return c;
}

json fleq_run_json(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e) {
  json j = run_json(r, c);
  j["memory"] = fleq_cells_json(r.memory);
  j.update(extras_json(e));
  if (j["bounds"].is_object()) {
    j["bounds"]["theorem"] = "proofs/fleq_loop.md";
    j["bounds"]["needs"] = e.theorem && !e.theorem->needs.empty() ? json(e.theorem->needs) : json(nullptr);
  }
  if (c.trace && j.contains("trace")) {
    std::map<std::int64_t, const compile::FleqLoopRow*> by_loop;
    for (const auto& row : e.log.rows) by_loop[row.loop] = &row;
    for (auto& row : j["trace"])
      if (const auto it = by_loop.find(row["loop"].get<std::int64_t>()); it != by_loop.end())
        row.update(row_json(*it->second, e.theorem, e.log.decompose.has_value()));
  }
  return j;
}

json fleq_machine_json(const fq::FleqProgram& program, const fq::RunResult& run) {
  std::vector<compile::fleq::DecodedCell> cells;
  for (const auto& m : run.final_state().cells) {
    compile::fleq::DecodedCell d;
    for (const Rational& entry : m.entries) d.entries.push_back(to_double(entry));
    if (m.entries.size() == 1 && boost::multiprecision::denominator(m.entries[0]) == 1)
      d.integer = boost::multiprecision::numerator(m.entries[0]).convert_to<std::int64_t>();
    cells.push_back(std::move(d));
  }
  return {{"program", program.source}, {"scalar", nullptr}, {"steps", run.steps}, {"halted", run.halted},
          {"error", run.error ? json(run.error->message) : json(nullptr)},
          {"rounded_entries", run.rounded_entries},
          {"memory", fleq_cells_json(compile::fleq_cells(program, cells))}};
}

}  // namespace loopcert::report
