// `loopcert verify formats --program P.fq`: every FLEQ program at every scalar format, with
// the constants compiled for that format (compile/fleq/constants.hpp), and for each pair
// either the refusals (what the format cannot hold, compile/fleq/format_limits.hpp) or
// the lockstep run to the end and, when it fails, why: the first divergence, whether the
// controller (pc, .int cells) held, and what the FLEQ bounds say at the format's unit
// roundoff (the controller's conditions, the largest per-instruction bound, the product's).
// Plain results; the text and JSON are report/fleq_formats_report.hpp.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/lockstep.hpp"
#include "compile/fleq/target.hpp"
#include "core/scalar_name.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::analysis {

struct FleqFormatRow {
  std::string program, format;
  std::vector<std::string> refusals;  // non-empty: refused before running (exit 2 of `run`)
  std::optional<RunResult> run;       // the lockstep run otherwise
  compile::RealErrorLog reals;        // its real cells' errors
  bool controller_held = false;       // pc and every .int cell equal the machine's at every loop
  // The constants the loop was compiled with for this format.
  double read_lambda = 0;
  int product_scale_log2 = 0, matmul_scale_log2 = 0;
  bool products = false;              // the program has tmatmul or matmul
  double product_error = 0;           // bounds::fleq_product_total at that C and the format's u
  // The FLEQ bounds at the format's unit roundoff: the controller's first failing
  // condition ("" when it is exact), the largest per-instruction bound over the program's
  // instructions that have one (elementwise functions need a certified fit error: left out).
  std::string controller_condition;
  double instruction_bound = 0;
  std::string instruction_bound_at;   // "line 12: p = mul ..."
  std::string reason;                 // why the pair fails ("" when it agrees)
};

struct FleqFormatsStudyOptions {
  double data_tolerance = 1e-6;
  std::int64_t max_steps = 100000;
  int threads = 1;
  std::function<void(const std::string&)> progress;  // may be empty
};

struct FleqFormatsStudy {
  std::vector<FleqFormatRow> rows;      // program-major, formats in the given order
  double data_tolerance = 1e-6;
  bool certified_formats_agree = true;  // double, long-double and float128 agree on every program
};

// Throws std::invalid_argument for a format the engine cannot run (exact, mpfi:P).
FleqFormatsStudy study_fleq_formats(const std::vector<isa::fleq::FleqProgram>& programs, const std::vector<ScalarSpec>& formats,
                                    const FleqFormatsStudyOptions& options);

}  // namespace loopcert::analysis
