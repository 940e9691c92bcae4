#include "cli/run_fleq.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <variant>

#include "compile/fleq/target.hpp"
#include "core/scalar_facts.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/machine.hpp"
#include "isa/fleq/summary.hpp"
#include "report/run_report.hpp"

namespace loopcert::cli {

namespace {

namespace fq = isa::fleq;

nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

// The flags of `run` that have no meaning for a FLEQ program, refused with the reason.
void check_fleq_flags(const RunArgs& args, const ScalarSpec& scalar) {
  if (!args.source.cmds.empty() || !args.source.mem.empty() || !args.source.layout.empty())
    throw UsageError("--cmds/--mem/--layout are SUBLEQ's official CSV format; a .fq program is given alone");
  if (!args.lambda.empty())
    throw UsageError("--lambda: a FLEQ loop's temperatures are chosen by the compiler from .bound, n and the scalar (FLEQ.md section 4)");
  if (args.tolerance != RunArgs{}.tolerance)
    throw UsageError("--tolerance: FLEQ decodes .int cells and pc bits within 1/4 (compile/fleq/compiler.hpp); real cells use --data-tolerance");
  if (args.decompose) throw UsageError("--decompose is not available for FLEQ yet");
  if (scalar.kind == ScalarKind::Exact && !args.machine_only)
    throw UsageError("--scalar exact: FLEQ's sigmoid and exp are irrational, so the loop has no exact-rational run (and the compiler refuses functions)");
}

// FLEQ cells as JSON: numbers, and matrices (held as the text of their rows) as lists of rows.
nlohmann::json cells_json(const std::vector<compile::Cell>& cells) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& cell : cells) {
    if (const auto* rows = std::get_if<std::string>(&cell.value)) out[cell.name] = nlohmann::json::parse(*rows);
    else if (const auto* x = std::get_if<double>(&cell.value)) out[cell.name] = num(*x);
    else out[cell.name] = std::get<std::int64_t>(cell.value);
  }
  return out;
}

int run_machine_only(const fq::FleqProgram& program, const RunArgs& args) {
  const fq::MachineOptions machine;
  const fq::RunResult run = fq::run_fleq_machine(program, args.max_steps, machine);
  if (args.json) {
    std::vector<compile::fleq::DecodedCell> cells;
    for (const auto& m : run.final_state().cells) {
      compile::fleq::DecodedCell d;
      for (const Rational& e : m.entries) d.entries.push_back(to_double(e));
      if (m.entries.size() == 1 && boost::multiprecision::denominator(m.entries[0]) == 1)
        d.integer = boost::multiprecision::numerator(m.entries[0]).convert_to<std::int64_t>();
      cells.push_back(std::move(d));
    }
    nlohmann::json j{{"program", program.source}, {"scalar", nullptr}, {"steps", run.steps}, {"halted", run.halted},
                     {"error", run.error ? nlohmann::json(run.error->message) : nlohmann::json(nullptr)},
                     {"rounded_entries", run.rounded_entries},
                     {"memory", cells_json(compile::fleq_cells(program, cells))}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fq::run_summary(program, run, machine);
  }
  return run.error ? kCheckFailed : kSuccess;
}

// The FLEQ-only part of the report: the real cells' errors and the reference's memory.
nlohmann::json fleq_json(const compile::RealErrorLog& log, const compile::fleq::FleqConstants& k, double T) {
  nlohmann::json finals = nlohmann::json::object();
  for (const auto& [cell, e] : log.final_errors) finals[cell] = num(e);
  return {{"data_tolerance", T},
          {"max_error", {{"error", num(log.max_error)}, {"cell", log.max_error_cell.empty() ? nlohmann::json(nullptr) : nlohmann::json(log.max_error_cell)}, {"loop", log.max_error_loop}}},
          {"final_errors", finals},
          {"reference_memory", cells_json(log.reference)},
          {"constants",
           {{"data_bound", to_double(k.data_bound)}, {"int_bound", k.int_bound}, {"read_lambda", to_double(k.read_lambda)},
            {"write_lambda", to_double(k.write_lambda)}, {"product_scale_log2", k.product_scale_log2},
            {"matmul_scale_log2", k.matmul_scale_log2}, {"transpose_scale_log2", k.transpose_scale_log2},
            {"hadamard_scale_log2", k.hadamard_scale_log2}, {"read_error", num(k.read_error)},
            {"write_error", num(k.write_error)}, {"product_error", num(k.product_error)}}}};
}

std::string fleq_text(const compile::RealErrorLog& log, double T) {
  std::string out = fmt::format("real cells   largest |x - x*| / max(1, |x*|) {:.3g} ({} at loop {}); at the end, against --data-tolerance {:g}:",
                                log.max_error, log.max_error_cell.empty() ? "-" : log.max_error_cell, log.max_error_loop, T);
  for (const auto& [cell, e] : log.final_errors) out += fmt::format(" {} {:.3g}", cell, e);
  return out + "\n";
}

}  // namespace

bool is_fleq_source(const ProgramSource& source) {
  return source.path.size() > 3 && source.path.compare(source.path.size() - 3, 3, ".fq") == 0;
}

int run_fleq(const RunArgs& args, analysis::RunOptions options) {
  check_fleq_flags(args, options.scalar);
  const fq::FleqProgram program = fq::load_fq(args.source.path);
  if (args.machine_only) return run_machine_only(program, args);
  compile::FleqTargetOptions fleq;
  fleq.data_tolerance = args.data_tolerance;
  fleq.max_steps = args.max_steps;
  fleq.unit_roundoff = scalar_facts(options.scalar).unit_roundoff;
  auto log = std::make_shared<compile::RealErrorLog>();
  compile::LoopTarget target;
  try {
    target = compile::fleq_target(program, fleq, log);
  } catch (const std::invalid_argument& ex) {
    // The compiler's reasons name file:line already (an unsupported instruction); others get the file.
    const std::string why = ex.what();
    throw UsageError((why.rfind(program.source + ":", 0) == 0 ? why : program.source + ": " + why) + " (cannot build the FLEQ transformer)");
  }
  if (target.compiled->layout.columns() > kMaxTransformerColumns)
    throw UsageError(fmt::format("{}: the punchcard needs {} columns; transformer runs are limited to {}", program.source,
                                 target.compiled->layout.columns(), kMaxTransformerColumns));
  options.lambda = target.predict.default_lambda;
  const analysis::RunResult r = analysis::run_lockstep(target, options);
  if (options.progress && r.loops >= 1000) std::cerr << "\r" << std::string(30, ' ') << "\r";
  const compile::fleq::FleqConstants k = compile::fleq::fleq_constants(program, target.compiled->layout, {fleq.unit_roundoff});

  report::RunContext c;
  c.program = program.source;
  c.description = fmt::format("FLEQ, {} cells, {} instructions, n = {} columns", program.cell_count(), program.instruction_count(),
                              target.compiled->layout.columns());
  c.lambda_default = true;
  c.lambda_default_text = "the fetch read's temperature, chosen by the compiler";
  c.tolerance = 0.25;
  c.trace = args.trace;
  c.trace_header = target.trace_header;
  c.layout = &target.compiled->layout;
  c.bounds = target.predict.summary(r.lambda_value);  // no loop theorem: the certificate stays "not certified"
  if (args.json) {
    nlohmann::json j = report::run_json(r, c);
    j["memory"] = cells_json(r.memory);
    j.update(fleq_json(*log, k, args.data_tolerance));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << report::run_text(r, c) << fleq_text(*log, args.data_tolerance);
  }
  return r.agree ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
