#include "isa/subleq/machine.hpp"

#include "isa/subleq/twos_complement.hpp"

namespace loopcert::isa {

bool is_halt(const SubleqProgram& program, const MachineState& state) {
  if (state.pc < 0 || state.pc >= program.command_count()) return true;
  const Command& command = program.commands[static_cast<std::size_t>(state.pc)];
  if (command.c != state.pc) return false;
  // The self-jump is taken and mem[b] keeps its value only in this case.
  const std::int64_t subtrahend = state.memory[static_cast<std::size_t>(command.a)];
  const std::int64_t minuend = state.memory[static_cast<std::size_t>(command.b)];
  return subtrahend == 0 && minuend <= 0;
}

MachineState initial_state(const SubleqProgram& program) {
  MachineState state;
  state.pc = 0;
  state.memory = program.memory;
  state.halted = is_halt(program, state);
  return state;
}

MachineState step(const SubleqProgram& program, const MachineState& state) {
  if (state.halted || is_halt(program, state)) {
    // Also guards a hand-built state whose flag is stale: never index past the end.
    MachineState same = state;
    same.halted = true;
    return same;
  }
  MachineState next = state;
  const Command& command = program.commands[static_cast<std::size_t>(state.pc)];
  std::int64_t& target = next.memory[static_cast<std::size_t>(command.b)];
  target = wrapping_sub(target, state.memory[static_cast<std::size_t>(command.a)], program.bits);
  next.pc = target <= 0 ? command.c : state.pc + 1;
  next.halted = is_halt(program, next);
  return next;
}

Trace run_machine(const SubleqProgram& program, std::int64_t max_steps, bool keep_states) {
  Trace trace;
  MachineState state = initial_state(program);
  if (keep_states) trace.states.push_back(state);
  while (!state.halted && trace.steps < max_steps) {
    state = step(program, state);
    ++trace.steps;
    if (keep_states) trace.states.push_back(state);
  }
  trace.halted = state.halted;
  if (!keep_states) trace.states.push_back(std::move(state));
  return trace;
}

}  // namespace loopcert::isa
