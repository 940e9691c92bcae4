// Lockstep run: the SUBLEQ transformer at scalar T next to the exact reference
// machine, one transformer loop per executed command, compared after every loop.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "blocks/detail/params.hpp"
#include "core/scalar_name.hpp"
#include "isa/program.hpp"

namespace loopcert::analysis {

struct RunOptions {
  ScalarSpec scalar;
  blocks::BlockParams params;        // lambda, thresholds, gate constants
  std::int64_t max_steps = 100000;   // commands the reference may execute
  bool trace = false;                // keep one TraceRow per loop
  double tolerance = 0.25;           // decode tolerance (DESIGN.md section 5)
  std::function<void(std::int64_t loop, std::int64_t total)> progress;  // optional, every ~1000 loops
};

struct TraceRow {
  std::int64_t loop = 0;   // 1-based loop number
  int pc = 0;              // command index executed in this loop (reference)
  int a = 0, b = 0, c = 0; // its operands (cell, cell, command index)
  std::int64_t value = 0;  // the new value of cell b (reference)
  double drift = 0;        // after the loop
};

struct Divergence {
  std::int64_t loop = 0;
  std::string field;     // "pc", "mem[NAME]", "invalid", "non-finite"
  std::string expected;
  std::string actual;
  std::string detail;    // e.g. the layer, row and column of a non-finite value
};

struct RunResult {
  std::string scalar;
  std::string lambda;          // exact, as given
  double lambda_value = 0;
  std::int64_t steps = 0;      // commands executed by the reference machine
  std::int64_t loops = 0;      // transformer loops run (steps, plus one past the halt)
  bool halted = false;
  bool agree = true;
  std::vector<std::int64_t> memory;  // final memory decoded from the transformer (reference's if invalid)
  double max_drift = 0;
  std::int64_t max_drift_loop = 0;
  std::optional<Divergence> first_divergence;
  int layers = 0, heads = 0, max_heads_per_layer = 0, rows = 0, columns = 0, hidden_units = 0;
  std::vector<TraceRow> trace;
  double seconds = 0;
};

// Throws std::invalid_argument when the program cannot be compiled (a reason is given).
RunResult run_lockstep(const isa::SubleqProgram& program, const RunOptions& options);

// Reference machine only (`run --machine-only`).
RunResult run_machine_only(const isa::SubleqProgram& program, std::int64_t max_steps);

}  // namespace loopcert::analysis
