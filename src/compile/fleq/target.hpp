// FLEQ as a machine of the generic lockstep driver (analysis/lockstep.hpp): the exact
// FLEQ machine of isa/fleq beside the compiled loop of compile/fleq, compared through
// compile::fleq::decode. There is no FLEQ loop theorem yet (proofs/fleq_*.md bound each
// block), so the target's Predictors are empty except for the summary that says so and
// the default temperature (the fetch layer's, chosen by the compiler).
//
// Agreement (README "The FLEQ transformer (construction)", "Running it"): after every
// loop pc and every .int cell equal the machine's; at the END (the machine halted, or
// max_steps instructions ran) every real entry satisfies |x - x*| / max(1, |x*|) <= T.
// Real cells are not compared in between: the issue's `agree` is a statement about the
// results, and intermediate errors are reported (RealErrorLog) rather than judged.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compile/fleq/compiler.hpp"
#include "compile/machine.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::compile {

struct FleqTargetOptions {
  double data_tolerance = 1e-6;       // T of the real cells' mixed measure
  std::int64_t max_steps = 100000;    // the run's step limit: the end when the machine does not halt
  double unit_roundoff = 0x1p-53;     // of the scalar the run uses (compile::fleq::CompileOptions)
  // Compare with the block-exact machine (compile/fleq/block_exact.hpp: every elementwise
  // function replaced by its block's sum of sigmoids) instead of the ideal one: what is
  // left is the leak and the rounding.
  bool block_exact = false;
  int function_terms = 0;             // compile::fleq::CompileOptions::function_terms
  std::optional<ScalarSpec> format = std::nullopt;  // compile::fleq::CompileOptions::format (the run's scalar)
};

// What the adapter saw of the real cells over the run (kept decodes only).
struct RealErrorLog {
  double max_error = 0;               // largest |x - x*| / max(1, |x*|) over every loop
  std::int64_t max_error_loop = 0;
  std::string max_error_cell;         // "NAME[r,c]"
  std::vector<std::pair<std::string, double>> final_errors;  // per real cell, at the last compare
  std::vector<Cell> reference;        // the exact machine's memory at the last compare (doubles)
  std::string machine_error;          // the exact machine left its domain (its message)
};

// The cells `run` reports, from decoded entries: .int and 1x1 cells as numbers, other
// cells as the text of a JSON array of rows ("[[1, 0.5], [2, 3]]", 17 digits).
std::vector<Cell> fleq_cells(const isa::fleq::FleqProgram& program, const std::vector<fleq::DecodedCell>& cells);

// One instruction as source-like text: "C = add A, B  if i <= 0 goto 3".
std::string fleq_instruction_text(const isa::fleq::FleqProgram& program, int pc);

// Compiles the program (throws std::invalid_argument with a reason: an unsupported
// instruction with its line, an .intbound beyond the snap). `log`, if given, receives the
// real cells' errors of the run the adapter takes part in.
LoopTarget fleq_target(const isa::fleq::FleqProgram& program, const FleqTargetOptions& options,
                       std::shared_ptr<RealErrorLog> log = nullptr);

}  // namespace loopcert::compile
