// The exact FLEQ reference machine (FLEQ.md section 3; README "FLEQ programs"): the ground
// truth every FLEQ transformer run is compared against. Every cell is a matrix of exact
// rationals; the operations come from an OpTable (ideal_ops by default, or a block-exact
// table). The domain is checked at every step and leaving it stops the machine with a
// DomainError saying where: the transformer's blocks are only valid inside it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "isa/fleq/functions.hpp"
#include "isa/fleq/matrix.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq {

struct MachineState {
  int pc = 0;                 // instruction index; pc == #instructions fell off the end
  std::vector<Matrix> cells;  // one per program cell
  bool halted = false;        // pc fell off, or the instruction at pc is `halt`
  bool operator==(const MachineState&) const = default;
};

struct DomainError {
  enum class Kind {
    range,         // a function's argument outside its declared .range
    bound,         // a real result entry beyond .bound
    int_bound,     // an .int result beyond .intbound
    not_integral,  // an .int result that is not an integer
    shape,         // an operation function returned the wrong shape (a broken table)
    function,      // the function itself failed (e.g. a table entry threw)
  };
  Kind kind = Kind::bound;
  std::int64_t step = 0;  // steps completed before the failing one
  int pc = 0;             // the failing instruction
  int line = 0;           // its source line
  int cell = -1;          // the cell whose entry left the domain (operand for range)
  int row = 0, col = 0;   // the entry
  Rational value;         // the offending value
  std::string message;    // one sentence naming all of the above
};

struct MachineOptions {
  int function_bits = kMinFunctionBits;  // precision of the ideal functions
  // Size guard for exact rationals (Newton iterations triple the digits per step): a
  // result entry whose numerator or denominator exceeds exact_bits_limit bits is
  // rounded to guard_bits significant bits and counted in RunResult::rounded_entries.
  // 0 = never round (exact, possibly very slow).
  int exact_bits_limit = 4096;
  int guard_bits = 1024;
  const OpTable* table = nullptr;  // nullptr: ideal_ops(function_bits)
};

// pc = 0, every cell its initial value.
MachineState initial_state(const FleqProgram& program);
bool is_halt(const FleqProgram& program, const MachineState& state);

struct StepResult {
  MachineState state;                // unchanged when error is set
  std::optional<DomainError> error;
  std::int64_t rounded_entries = 0;  // entries the size guard rounded in this step
};

// One instruction: write mem[c] = f(mem[a], mem[b]) (checked), then branch on the flag
// as it is after the write. A halted state is returned unchanged. `step_index` is only
// used in messages.
StepResult step(const FleqProgram& program, const MachineState& state, const OpTable& table,
                const MachineOptions& options, std::int64_t step_index = 0);

struct RunResult {
  // keep_states: states[t] is the state after t steps, t = 0..steps; otherwise only the
  // final state.
  std::vector<MachineState> states;
  std::int64_t steps = 0;              // instructions executed (halt not counted)
  bool halted = false;                 // false: max_steps ran out, or a domain error
  std::optional<DomainError> error;    // the machine left its domain at step `steps`
  std::int64_t rounded_entries = 0;    // size-guard roundings over the run (0 = exact)
  const MachineState& final_state() const { return states.back(); }
};

// Steps until halted, a domain error, or max_steps instructions.
RunResult run_fleq_machine(const FleqProgram& program, std::int64_t max_steps, const MachineOptions& options = {},
                           bool keep_states = false);

// The value of cell `name` in `state` (throws std::out_of_range if there is none).
const Matrix& cell_value(const FleqProgram& program, const MachineState& state, const std::string& name);

}  // namespace loopcert::isa::fleq
