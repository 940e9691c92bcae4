// Lockstep run: the SUBLEQ transformer at scalar T next to the exact reference
// machine, one transformer loop per executed command, compared after every loop.
//
// Per-loop error tracking (DESIGN.md section 8): after every loop the drift (largest
// |X - enc(state)| over the memory and pc rows) and its margin to the decode tolerance;
// after every *layer* the largest |X - I| over the rows that layer writes, where I is the
// ideal intermediate punchcard: the same LoopSpec run with hardmax attention from the
// same X0, whose every entry is a small dyadic number (weights are dyadic, inputs
// +-1/0), so it is computed exactly in double (see lockstep_impl.hpp, "The ideal
// reference", and the test that compares it with the rational run entry by entry).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "blocks/params.hpp"
#include "core/scalar_name.hpp"
#include "isa/subleq/program.hpp"

namespace loopcert::compile {
struct CompiledSubleq;
}

namespace loopcert::analysis {

struct RunOptions {
  ScalarSpec scalar;
  blocks::BlockParams params;        // lambda, thresholds, gate constants
  std::int64_t max_steps = 100000;   // commands the reference may execute
  bool trace = false;                // keep one TraceRow per loop
  double tolerance = 0.25;           // decode tolerance (DESIGN.md section 5)
  // Per-layer errors against the ideal (hardmax) punchcards. Costs about one more
  // double-precision transformer per run; the searches turn it off.
  bool track_layers = true;
  // Already compiled for these params (the searches compile once); null: compile here.
  std::shared_ptr<const compile::CompiledSubleq> compiled;
  // `run --decompose`: run the same LoopSpec at mpfr:256 beside the chosen scalar, layer
  // by layer, and split every error into a temperature part (mpfr:256 against the ideal
  // punchcard and the exact machine) and a rounding part (the scalar against mpfr:256).
  bool decompose = false;
  // mpfr:P with P <= 63 runs on an exact emulation in double (P <= 52) or x87 long double
  // (53..63) (core/narrow_mpfr*.hpp), bit for bit the same as MPFR and much faster;
  // false forces MPFR itself.
  bool fast_mpfr = true;
  std::function<void(std::int64_t loop, std::int64_t total)> progress;  // optional, every ~1000 loops
};

// The error one layer left in the rows it writes (all columns), after the layer.
struct LayerError {
  double error = 0;
  int row = -1, column = -1;
};

struct TraceRow {
  std::int64_t loop = 0;   // 1-based loop number
  int pc = 0;              // command index executed in this loop (reference)
  int a = 0, b = 0, c = 0; // its operands (cell, cell, command index)
  std::int64_t value = 0;  // the new value of cell b (reference)
  double drift = 0;        // after the loop
  double margin = 0;       // tolerance - drift
  std::vector<LayerError> layers;  // one per layer of the loop (empty without tracking)
};

// Where one layer's error peaked over the run.
struct LayerPeak {
  std::string layer;       // layer name ("fetch", "operands", ...)
  int index = -1;          // layer index in the loop
  double error = 0;
  std::int64_t loop = 0;
  std::string row, column; // described by the layout ("diff[3]", "scratch 0")
};

struct Divergence {
  std::int64_t loop = 0;
  std::string field;     // "pc", "mem[NAME]", "invalid", "non-finite"
  std::string expected;
  std::string actual;
  std::string detail;    // e.g. the layer, row and column of a non-finite value
  std::string layer;     // the layer where it happened (non-finite), or where the error first
                         // exceeded the tolerance in the divergent loop (when tracked)
  std::string quantity;  // the row block of that entry ("diff", "mem", ...)
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
  double final_drift = 0;      // after the last loop
  std::optional<Divergence> first_divergence;
  int layers = 0, heads = 0, max_heads_per_layer = 0, rows = 0, columns = 0, hidden_units = 0;
  std::vector<TraceRow> trace;
  double seconds = 0;
  std::string engine;          // how the scalar was computed ("mpfr", "mpfr (exact emulation in double)", ...)

  // Layer tracking (when RunOptions::track_layers).
  bool layers_tracked = false;
  bool reference_exact = true;       // the hardmax reference stayed on enc(state) at every loop
  std::vector<std::string> layer_names;
  std::vector<LayerPeak> layer_peaks;  // per layer: its largest error over the run
  LayerPeak peak;                      // the largest layer error of the run
  std::string max_drift_layer;         // in the loop where the drift peaked, the layer with the largest error
  std::vector<LayerError> divergence_layers;  // the per-layer errors of the divergent loop

  // `run --decompose` (RunOptions::decompose): the error split into its two parts.
  struct Parts {
    double temperature_max = 0, temperature_final = 0;  // drift of the mpfr:256 run (against the machine)
    double rounding_max = 0, rounding_final = 0;        // |X - X_256| over the state rows
    std::int64_t rounding_max_loop = 0;
    std::vector<double> temperature_layers;  // per layer: largest |X_256 - ideal| over the rows it writes
    std::vector<double> rounding_layers;     // per layer: largest |X - X_256| over the rows it writes
    bool high_agrees = true;                 // the mpfr:256 punchcard decodes to the machine's state at every loop
  };
  std::optional<Parts> parts;
};

// Throws std::invalid_argument when the program cannot be compiled (a reason is given).
RunResult run_lockstep(const isa::SubleqProgram& program, const RunOptions& options);

// Reference machine only (`run --machine-only`).
RunResult run_machine_only(const isa::SubleqProgram& program, std::int64_t max_steps);


}  // namespace loopcert::analysis
