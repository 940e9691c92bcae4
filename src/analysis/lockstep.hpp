// Lockstep run: a compiled loop at scalar T next to its exact reference machine, one
// transformer loop per executed instruction, compared after every loop. The machine sits
// behind compile::MachineAdapter (compile/machine.hpp); this driver knows no machine.
//
// Per-loop error tracking (DESIGN.md section 8): after every loop the drift (largest
// |X - enc(state)| over the state rows the adapter names) and its margin to the decode
// tolerance; when the target offers the ideal reference (LoopTarget::hardmax_reference),
// after every *layer* the largest |X - I| over the rows that layer writes, where I is the
// ideal intermediate punchcard: the same LoopSpec run with hardmax attention from the
// same X0, computed exactly in double (see lockstep_impl.hpp, "The ideal reference", and
// the test that compares it with the rational run entry by entry).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compile/machine.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::analysis {

struct TraceRow;

struct RunOptions {
  ScalarSpec scalar;
  Rational lambda = 4;               // the run's softmax temperature (heads scaled by it)
  std::int64_t max_steps = 100000;   // instructions the reference may execute
  bool trace = false;                // keep one TraceRow per loop
  double tolerance = 0.25;           // decode tolerance (DESIGN.md section 5)
  // Per-layer errors against the ideal (hardmax) punchcards, if the target has them.
  // Costs about one more double-precision transformer per run; the searches turn it off.
  bool track_layers = true;
  // `run --decompose`: run the same LoopSpec at mpfr:256 beside the chosen scalar, layer
  // by layer, and split every error into a temperature part (mpfr:256 against the ideal
  // punchcard and the exact machine) and a rounding part (the scalar against mpfr:256).
  bool decompose = false;
  // mpfr:P with P <= 63 runs on an exact emulation in double (P <= 52) or x87 long double
  // (53..63) (core/narrow_mpfr*.hpp), bit for bit the same as MPFR and much faster;
  // false forces MPFR itself.
  bool fast_mpfr = true;
  // `run --threads T`: the transformer's distinct query rows of a head on T threads
  // (LoopedTransformer::set_threads); the same results at any T.
  int threads = 1;
  std::function<void(std::int64_t loop, std::int64_t total)> progress;  // optional, every ~1000 loops
  // With `trace`: when set, each row goes here as the loop ends (with the layer names of
  // RunResult::layer_names) instead of into RunResult::trace, so that a long traced run
  // (`run --trace` in text) streams in bounded memory.
  std::function<void(const TraceRow& row, const std::vector<std::string>& layer_names)> on_trace;
};

// The error one layer left in the rows it writes (all columns), after the layer.
struct LayerError {
  double error = 0;
  int row = -1, column = -1;
};

struct TraceRow {
  std::int64_t loop = 0;                    // 1-based loop number
  std::optional<compile::Instruction> instruction;  // what the reference executed in this loop
  double drift = 0;                         // after the loop
  double margin = 0;                        // tolerance - drift
  std::vector<LayerError> layers;           // one per layer of the loop (empty without tracking)
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
  std::string field;     // the adapter's field ("pc", "mem[NAME]", "invalid"), or "non-finite"
  std::string expected;
  std::string actual;
  std::string detail;    // e.g. the layer, row and column of a non-finite value
  std::string layer;     // the layer where it happened (non-finite), or where the error first
                         // exceeded the tolerance in the divergent loop (when tracked)
  std::string quantity;  // the row of that entry ("diff[2]", "mem[0]", ...)
};

// The run's error split in two (RunOptions::decompose).
struct ErrorParts {
  double temperature_max = 0, temperature_final = 0;  // drift of the mpfr:256 run (against the machine)
  double rounding_max = 0, rounding_final = 0;        // |X - X_256| over the state rows
  std::int64_t rounding_max_loop = 0;
  std::vector<double> temperature_layers;  // per layer: largest |X_256 - ideal| over the rows it writes
  std::vector<double> rounding_layers;     // per layer: largest |X - X_256| over the rows it writes
  bool high_agrees = true;                 // the mpfr:256 punchcard decodes to the machine's state at every loop
};

struct RunResult {
  std::string scalar;
  std::string lambda;          // exact, as given
  double lambda_value = 0;
  std::int64_t steps = 0;      // instructions executed by the reference machine
  std::int64_t loops = 0;      // transformer loops run (steps, plus one past the halt)
  bool halted = false;
  bool agree = true;
  std::vector<compile::Cell> memory;  // final memory decoded from the transformer (reference's if invalid)
  double max_drift = 0;
  std::int64_t max_drift_loop = 0;
  double final_drift = 0;      // after the last loop
  std::optional<Divergence> first_divergence;
  int layers = 0, heads = 0, max_heads_per_layer = 0, rows = 0, columns = 0, hidden_units = 0;
  std::vector<TraceRow> trace;
  double seconds = 0;
  std::string engine;          // how the scalar was computed ("mpfr", "mpfr (exact emulation in double)", ...)

  // Layer tracking (RunOptions::track_layers and LoopTarget::hardmax_reference).
  bool layers_tracked = false;
  bool reference_exact = true;       // the hardmax reference stayed on enc(state) at every loop
  std::vector<std::string> layer_names;
  std::vector<LayerPeak> layer_peaks;  // per layer: its largest error over the run
  LayerPeak peak;                      // the largest layer error of the run
  std::string max_drift_layer;         // in the loop where the drift peaked, the layer with the largest error
  std::vector<LayerError> divergence_layers;  // the per-layer errors of the divergent loop

  std::optional<ErrorParts> parts;     // `run --decompose`
};

// Runs the target at options.scalar (the one scalar switch: core/scalar_dispatch.hpp).
// Throws std::invalid_argument for a scalar the engine does not run.
RunResult run_lockstep(const compile::LoopTarget& target, const RunOptions& options);

// The same, the scalar chosen by the caller (explicitly instantiated per scalar family
// in lockstep_<family>.cpp; exact rationals run with hardmax attention).
template <class T>
RunResult run_lockstep_t(const compile::LoopTarget& target, const RunOptions& options);

}  // namespace loopcert::analysis
