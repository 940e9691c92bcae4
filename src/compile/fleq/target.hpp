// FLEQ as a machine of the generic lockstep driver (analysis/lockstep.hpp): the exact
// FLEQ machine of isa/fleq beside the compiled loop of compile/fleq, compared through
// compile::fleq::decode. The loop theorem (proofs/fleq_loop.md) is evaluated above
// compile (analysis::fleq_loop_constants, cli/run_fleq.cpp); the adapter measures what it
// bounds: it reads the punchcard exactly after every loop (MachineAdapter::read_exact),
// steps the exact machine from the transformer's own previous state, and logs the
// written cell's distance to it (RealErrorLog::own). The target's Predictors are the
// default temperature (the fetch layer's, chosen by the compiler) and a summary.
//
// Agreement (README "The FLEQ transformer (construction)", "Running it"): after every
// loop pc and every .int cell equal the machine's; at the END (the machine halted, or
// max_steps instructions ran) every real entry satisfies |x - x*| / max(1, |x*|) <= T.
// Real cells are not compared in between: the issue's `agree` is a statement about the
// results, and intermediate errors are reported (RealErrorLog) rather than judged.
#pragma once
#include <cstdint>
#include <cmath>
#include <functional>
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
  // `run --decompose`: step the block-exact machine beside the exact one and log, per
  // loop and per cell, block-exact against ideal (the functions' approximation) and the
  // transformer against block-exact (leak and rounding): RealErrorLog::decompose.
  bool decompose = false;
  // Keep one FleqLoopRow per loop in RealErrorLog::rows (the JSON trace).
  bool keep_rows = false;
  // The bounds' predictions (analysis/fleq_floor.hpp: fleq_floor_predictors, the predicted
  // floor; compile/ cannot see analysis/, so the caller supplies it). Empty: none.
  std::function<Predictors(const isa::fleq::FleqProgram&, const FleqTargetOptions&)> predictors;
  std::optional<ScalarSpec> format = std::nullopt;  // compile::fleq::CompileOptions::format (the run's scalar)
};

// One loop as the adapter measured it on the punchcard read exactly (read_exact).
struct FleqLoopRow {
  std::int64_t loop = 0;
  int pc = -1;                  // the instruction executed (-1: none, the loop past the halt)
  std::string cell;             // its destination ("" : writes nothing)
  bool real = false;            // the destination is a real cell
  // Loop theorem (proofs/fleq_loop.md, Theorem 2): the largest |written - f(A, B)| over the
  // destination's entries, f applied exactly to the operands the transformer held before
  // the loop. NaN: not measured (an .int destination, or f left the domain on them).
  double own = NAN;
  double error = NAN;           // the destination against the exact machine's run, |x - x*| / max(1, |x*|)
  double approximation = NAN;   // --decompose: block-exact against ideal, same measure
  double leak = NAN;            // --decompose: transformer against block-exact, same measure
};

// Per instruction, the loop theorem's observations over the run.
struct OwnErrors {
  std::vector<double> worst;          // per pc: largest FleqLoopRow::own (0: never measured)
  std::vector<std::int64_t> loop;     // where it peaked
  std::vector<std::int64_t> count;    // loops that executed pc
  std::int64_t unmeasured = 0;        // writing loops whose own operands left f's domain
  double stored_max = 0;              // largest |entry| of a real cell held between loops (H2)
  std::int64_t stored_max_loop = 0;
  std::int64_t others_changed = 0;    // loops where a cell other than the destination changed
};

// --decompose, per real cell over the run (the measure of FleqLoopRow).
struct CellParts {
  std::string cell;
  double approximation_max = 0, approximation_final = 0, leak_max = 0, leak_final = 0;
  std::int64_t approximation_loop = 0, leak_loop = 0;
};
struct FleqDecomposition {
  std::vector<CellParts> cells;
  double approximation_max = 0, leak_max = 0;
  std::int64_t approximation_loop = 0, leak_loop = 0;
  std::string approximation_cell, leak_cell;
  // The block-exact machine left the exact machine's control flow or its domain at this
  // loop (its message); the parts are measured up to it.
  std::optional<std::int64_t> stopped_loop;
  std::string stopped;
};

// What the adapter saw of the real cells over the run (kept decodes only).
// The errors are measured on the punchcard read exactly (as the run's scalar holds it, not
// through double) against the exact machine, and rounded up to a double once.
struct RealErrorLog {
  double max_error = 0;               // largest |x - x*| / max(1, |x*|) over every loop
  std::int64_t max_error_loop = 0;
  std::string max_error_cell;         // "NAME[r,c]"
  std::vector<std::pair<std::string, double>> final_errors;  // per real cell, at the last compare
  std::vector<Cell> reference;        // the exact machine's memory at the last compare (doubles)
  std::string machine_error;          // the exact machine left its domain (its message)
  OwnErrors own;                      // the loop theorem's observations (read_exact)
  FleqLoopRow last;                   // the loop that just ended (for the streamed trace)
  std::vector<FleqLoopRow> rows;      // every loop, with FleqTargetOptions::keep_rows
  std::optional<FleqDecomposition> decompose;  // FleqTargetOptions::decompose
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
// The same for a program compiled already (by compile_fleq with options' unit roundoff
// and terms): `run` keeps the compiled program for the loop theorem's constants.
LoopTarget fleq_target(const isa::fleq::FleqProgram& program, std::shared_ptr<const fleq::CompiledFleq> compiled,
                       const FleqTargetOptions& options, std::shared_ptr<RealErrorLog> log = nullptr);

}  // namespace loopcert::compile
