// What the generic lockstep driver (analysis/lockstep.hpp) and the searches
// (analysis/search.hpp) need of a machine: a compiled loop, an adapter that steps the
// exact reference machine and compares the transformer's punchcard with it, and the
// bounds' predictions. A machine provides a LoopTarget (SUBLEQ: compile/subleq/target.hpp);
// nothing in analysis, report or cli knows which machine it runs.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/rational.hpp"
#include "core/scalar_name.hpp"
#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"
#include "tf/matrix.hpp"

namespace loopcert::compile {

// One entry of the state rows as the reference machine says it should be.
struct StateEntry {
  int row = 0, column = 0;
  double ideal = 0;  // exact in double (bits, position codes, cell values)
};

// The reference and the decoded punchcard differ: which field, and how.
struct Mismatch {
  std::string field;     // "pc", "mem[NAME]", "invalid", ...
  std::string expected, actual, detail;
};

// A named value of a trace row or of memory, as data for the report writers.
using Value = std::variant<std::int64_t, double, std::string>;
struct Field {
  std::string name;
  Value value;
};

// One memory cell: declared by the program, or hidden (added by the assembler).
struct Cell {
  std::string name;
  Value value;
  bool hidden = false;
};

// The instruction the reference is about to execute, for the trace.
struct Instruction {
  int pc = 0;
  std::vector<Field> fields;  // e.g. a, b, c, value (the value it writes)
  std::string text;           // one line for the text trace, below TraceFormat::header
};

// One run of the exact reference machine beside the transformer.
class MachineAdapter {
 public:
  virtual ~MachineAdapter() = default;
  virtual void reset() = 0;           // the initial state; forgets earlier decodes
  virtual bool halted() const = 0;
  virtual void step() = 0;            // one instruction (not called once halted)
  // The state rows' entries for the current reference state (appended to `out`).
  virtual void expected(std::vector<StateEntry>& out) const = 0;
  // Decodes X and compares it with the reference state. `keep`: remember the decoded
  // memory as the run's (memory()); false for side runs (the mpfr:256 decomposition).
  virtual std::optional<Mismatch> compare(const Matrix<double>& X, double tolerance, bool keep) = 0;
  // The run's memory: the last kept decode, the reference's where it was not decodable
  // or before any decode.
  virtual std::vector<Cell> memory() const = 0;
  // The instruction at the current pc, if the pc is on one (for the trace).
  virtual std::optional<Instruction> next_instruction() const = 0;
  // A machine that checks a per-instruction bound on the transformer's own state (FLEQ's
  // loop theorem) says so here; the driver then calls read_exact with the punchcard
  // exactly as the run's scalar holds it, entry(row, column), once before the first loop
  // and after every loop (after step(), before the trace row and compare()).
  virtual bool wants_exact_reads() const { return false; }
  virtual void read_exact(const std::function<Rational(int row, int column)>& entry) { (void)entry; }
};

// The loop, its first punchcard and the rows it is laid out in.
struct CompiledLoop {
  Layout layout;
  Matrix<Rational> X0;
  LoopSpec loop;
};

// The loop theorem's numbers at one temperature, for the run report.
struct BoundsSummary {
  std::vector<Field> numbers;  // e.g. read, write, snap, threshold (JSON `bounds`)
  std::string text;            // the same in words, for the text report
  std::string theorem;         // where it is proved, e.g. "proofs/subleq_loop.md"
};

// The bounds' predictions for this machine and loop (empty functions: no prediction).
struct Predictors {
  std::function<BoundsSummary(double lambda)> summary;
  // The loop theorem in exact arithmetic at temperature lambda (margin as in bounds/).
  std::function<bool(double lambda, double margin)> exact;
  // The rounding-aware budget of the loop at `scalar`: a predicate of lambda (the
  // scalar's part, e.g. the weights' rounding, is computed once per scalar).
  std::function<std::function<bool(const Rational& lambda)>(const ScalarSpec& scalar)> at_scalar;
  // The smallest MPFR precision the budget predicts at lambda (-1: none).
  std::function<int(const Rational& lambda)> bits;
  Rational default_lambda;  // the run's temperature when none is given
};

// A machine ready to run: what the lockstep driver and the searches take.
struct LoopTarget {
  std::string name;                                   // the program, for messages
  std::shared_ptr<const CompiledLoop> compiled;
  std::function<std::unique_ptr<MachineAdapter>()> machine;
  // The ideal reference (hardmax attention, computed exactly in double) exists for this
  // loop: the driver then tracks every layer's error against it.
  bool hardmax_reference = false;
  std::string trace_header;                           // text trace: the header of Instruction::text
  Predictors predict;
};

}  // namespace loopcert::compile
