// The report of `loopcert run P.fq`: the generic run report (report/run_report.hpp) with
// FLEQ's matrices as lists of rows, the real cells' errors against --data-tolerance, the
// exact machine's memory and the loop's constants; and the report of --machine-only.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compile/fleq/constants.hpp"
#include "compile/fleq/target.hpp"
#include "isa/fleq/machine.hpp"
#include "isa/fleq/program.hpp"
#include "report/run_report.hpp"

namespace loopcert::report {

// FLEQ cells as a JSON object: numbers, and matrices (held as the text of their rows) as lists of rows.
nlohmann::json fleq_cells_json(const std::vector<compile::Cell>& cells);

// What a FLEQ run reports beside the generic fields.
struct FleqRunExtras {
  const compile::RealErrorLog& log;
  const compile::fleq::FleqConstants& constants;
  double data_tolerance = 0;
};

// The run's context: the program's line, the compiler's temperature as the default.
RunContext fleq_run_context(const isa::fleq::FleqProgram& program, const compile::LoopTarget& target, double lambda, bool trace);

nlohmann::json fleq_run_json(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e);
std::string fleq_run_text(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e);

// --machine-only: the exact machine's run.
nlohmann::json fleq_machine_json(const isa::fleq::FleqProgram& program, const isa::fleq::RunResult& run);

}  // namespace loopcert::report
