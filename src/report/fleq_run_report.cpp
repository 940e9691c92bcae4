#include "report/fleq_run_report.hpp"

#include <fmt/format.h>

#include <variant>

#include "report/json.hpp"

namespace loopcert::report {

namespace {

using nlohmann::json;
namespace fq = isa::fleq;

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json constants_json(const compile::fleq::FleqConstants& k) {
  return {{"data_bound", to_double(k.data_bound)}, {"int_bound", k.int_bound}, {"read_lambda", to_double(k.read_lambda)},
          {"write_lambda", to_double(k.write_lambda)}, {"product_scale_log2", k.product_scale_log2},
          {"matmul_scale_log2", k.matmul_scale_log2}, {"transpose_scale_log2", k.transpose_scale_log2},
          {"hadamard_scale_log2", k.hadamard_scale_log2}, {"read_error", number(k.read_error)},
          {"write_error", number(k.write_error)}, {"product_error", number(k.product_error)}};
}

// The FLEQ-only part of the report: the real cells' errors and the reference's memory.
json extras_json(const FleqRunExtras& e) {
  json finals = json::object();
  for (const auto& [cell, error] : e.log.final_errors) finals[cell] = number(error);
  return {{"data_tolerance", e.data_tolerance},
          {"max_error", {{"error", number(e.log.max_error)}, {"cell", text_or_null(e.log.max_error_cell)}, {"loop", e.log.max_error_loop}}},
          {"final_errors", finals},
          {"reference_memory", fleq_cells_json(e.log.reference)},
          {"constants", constants_json(e.constants)}};
}

}  // namespace

json fleq_cells_json(const std::vector<compile::Cell>& cells) {
  json out = json::object();
  for (const auto& cell : cells) {
    if (const auto* rows = std::get_if<std::string>(&cell.value)) out[cell.name] = json::parse(*rows);
    else if (const auto* x = std::get_if<double>(&cell.value)) out[cell.name] = number(*x);
    else out[cell.name] = std::get<std::int64_t>(cell.value);
  }
  return out;
}

RunContext fleq_run_context(const fq::FleqProgram& program, const compile::LoopTarget& target, double lambda, bool trace) {
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
  c.bounds = target.predict.summary(lambda);  // no loop theorem: the certificate stays "not certified"
  return c;
}

json fleq_run_json(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e) {
  json j = run_json(r, c);
  j["memory"] = fleq_cells_json(r.memory);
  j.update(extras_json(e));
  return j;
}

std::string fleq_run_text(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e) {
  std::string out = run_text(r, c);
  out += fmt::format("real cells   largest |x - x*| / max(1, |x*|) {:.3g} ({} at loop {}); at the end, against --data-tolerance {:g}:",
                     e.log.max_error, e.log.max_error_cell.empty() ? "-" : e.log.max_error_cell, e.log.max_error_loop, e.data_tolerance);
  for (const auto& [cell, error] : e.log.final_errors) out += fmt::format(" {} {:.3g}", cell, error);
  return out + "\n";
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
