// The exact SUBLEQ reference machine: the ground truth every transformer run is
// compared against. Integers are N-bit two's complement and wrap (DESIGN.md section 6).
#pragma once
#include <cstdint>
#include <vector>

#include "isa/subleq/program.hpp"

namespace loopcert::isa {

struct MachineState {
  int pc = 0;                         // command index; outside [0, #commands) = fell off
  std::vector<std::int64_t> memory;   // one value per cell, each fits N bits
  bool halted = false;                // is_halt(program, *this), kept for convenience

  bool operator==(const MachineState&) const = default;
};

// A state is halted when pc fell off the command list, or when the command at pc
// jumps to itself and executing it would change nothing (mem[a] == 0, mem[b] <= 0):
// the fixed point the assembler's halt command and the authors' EOF command create.
bool is_halt(const SubleqProgram& program, const MachineState& state);

// pc = 0, memory = the program's initial values.
MachineState initial_state(const SubleqProgram& program);

// One command: mem[b] = (mem[b] - mem[a]) mod 2^N; pc = c if mem[b] <= 0 else pc + 1.
// A halted state is returned unchanged, so stepping past the halt is a fixed point.
MachineState step(const SubleqProgram& program, const MachineState& state);

struct Trace {
  // keep_states: states[t] is the state after t steps, t = 0..steps.
  // otherwise:   states holds only the final state.
  std::vector<MachineState> states;
  std::int64_t steps = 0;  // commands executed before the halt (the halt not counted)
  bool halted = false;     // false: max_steps ran out first
};

// Steps until halted or max_steps commands have run, whichever comes first.
Trace run_machine(const SubleqProgram& program, std::int64_t max_steps, bool keep_states);

}  // namespace loopcert::isa
