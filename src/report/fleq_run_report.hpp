// The report of `loopcert run P.fq`: the generic run report (report/run_report.hpp) with
// FLEQ's matrices as lists of rows, the real cells' errors against --data-tolerance, the
// exact machine's memory and the loop's constants; and the report of --machine-only.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bounds/fleq_loop.hpp"
#include "compile/fleq/constants.hpp"
#include "compile/fleq/target.hpp"
#include "isa/fleq/machine.hpp"
#include "isa/fleq/program.hpp"
#include "report/run_report.hpp"

namespace loopcert::report {

// FLEQ cells as a JSON object: numbers, and matrices (held as the text of their rows) as lists of rows.
nlohmann::json fleq_cells_json(const std::vector<compile::Cell>& cells);

// One elementwise function's block (compile/fleq/functions.hpp) and its certified fit error.
struct FleqFitReport {
  std::string function;     // "recip"
  double lo = 0, hi = 0;    // the declared .range
  int terms = 0;            // m
  double width = 0;         // the sharpness times the grid step (approx::SigmoidSum::width_factor)
  double sum_c = 0;         // sum_j |c_j|
  double margin = 0;        // w: the fit is certified on [lo - w, hi + w]
  double fit_error = 0;     // E_w (cert::certify), an upper bound
  bool converged = false;   // the certificate reached its tolerance (the bound holds either way)
};

// One writing instruction: its bound (bounds::fleq_instruction_bound at the run's u) and
// what the run observed (compile::RealErrorLog::own).
struct FleqInstructionReport {
  int pc = 0, line = 0;
  std::string text, cell;
  bool real = false;              // the destination is a real cell (an .int one is exact by Theorem 1)
  bounds::FleqInstructionBound bound;
  std::int64_t count = 0;         // loops that executed it
  double observed = 0;            // largest |written - f(own operands)|
  std::int64_t observed_loop = 0;
  double ratio = 0;               // observed / bound.total
};

// The loop theorem for the run (cli/run_fleq_theorem.hpp fills it).
struct FleqTheorem {
  std::string scalar;
  double u = 0;
  bool lemma_f = false;           // the fetch's copy exact (every controller row exact)
  bounds::FleqControllerBound controller;
  double stored_limit = 0;        // (H2): G (1 + sigma)
  double stored_max = 0;          // observed largest stored real entry
  std::vector<FleqFitReport> fits;
  std::vector<FleqInstructionReport> instructions;
  compile::fleq::ConstantOverrides overrides;  // the compiled constants' (run --product-c / --lambda)
  // The verdict after the run.
  bool certified = false;
  std::vector<std::string> fails;  // each condition that does not hold
  std::string needs;               // what would make it hold (empty: nothing known)
  bool beyond_tolerance = false;   // the real cells left --data-tolerance at the end (not a condition)
  double worst_ratio = 0;
  int worst_pc = -1;
  bool violated = false;           // an observed error above its bound (a defect)
};

// Per written real cell: the worst over the executed instructions that write it.
struct FleqCellSummary {
  std::string cell;
  int instructions = 0;
  std::int64_t loops = 0;
  double bound = 0, observed = 0, ratio = 0;
  const FleqInstructionReport* worst = nullptr;  // the instruction of the largest ratio
};
std::vector<FleqCellSummary> fleq_cell_summaries(const FleqTheorem& t);

// What a FLEQ run reports beside the generic fields.
struct FleqRunExtras {
  const compile::RealErrorLog& log;
  const compile::fleq::FleqConstants& constants;
  double data_tolerance = 0;
  const FleqTheorem* theorem = nullptr;
};

// The run's context: the program's line, the compiler's temperature as the default, the
// loop theorem's verdict as the certificate (`trace`: the JSON trace is kept).
RunContext fleq_run_context(const isa::fleq::FleqProgram& program, const compile::LoopTarget& target, const FleqTheorem& theorem, bool trace);

nlohmann::json fleq_run_json(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e);
std::string fleq_run_text(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e);

// "CERTIFIED at double (...)" or "NOT certified at bf16: ...; it would need ...".
std::string fleq_verdict_text(const FleqTheorem& t);
// The per-cell and per-function JSON of the theorem (`loop_theorem`, `constants.functions`).
nlohmann::json fleq_theorem_json(const FleqTheorem& t);
nlohmann::json fleq_fits_json(const std::vector<FleqFitReport>& fits);

// The streamed text trace: the generic columns (report/run_report.hpp) and, per loop,
// the destination's error against the exact machine's run, the loop theorem's observed
// error and bound, and with --decompose the approximation and leak parts.
std::string fleq_trace_header_text(const std::string& instruction_header, bool decompose);
std::string fleq_trace_row_text(const analysis::TraceRow& row, const compile::FleqLoopRow& measured, const FleqTheorem& t, bool decompose);

// --machine-only: the exact machine's run.
nlohmann::json fleq_machine_json(const isa::fleq::FleqProgram& program, const isa::fleq::RunResult& run);

}  // namespace loopcert::report
