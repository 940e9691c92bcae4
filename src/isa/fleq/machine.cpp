#include "isa/fleq/machine.hpp"

#include <stdexcept>

namespace loopcert::isa::fleq {
namespace {

std::size_t bits_of(const BigInt& n) { return n == 0 ? 0 : boost::multiprecision::msb(abs(n)) + 1; }

bool too_large(const Rational& q, int limit) {
  return limit > 0 && (bits_of(boost::multiprecision::numerator(q)) > static_cast<std::size_t>(limit) ||
                       bits_of(boost::multiprecision::denominator(q)) > static_cast<std::size_t>(limit));
}

std::string entry_name(const FleqProgram& program, int cell, int row, int col) {
  const Cell& c = program.cells[static_cast<std::size_t>(cell)];
  if (c.shape == Shape{}) return "'" + c.name + "'";
  return "'" + c.name + "'[" + std::to_string(row + 1) + "," + std::to_string(col + 1) + "]";
}

DomainError make_error(DomainError::Kind kind, const FleqProgram& program, const MachineState& state,
                       std::int64_t step_index, int cell, int index, Rational value, const std::string& what) {
  const Instruction& in = program.instructions[static_cast<std::size_t>(state.pc)];
  DomainError error;
  error.kind = kind;
  error.step = step_index;
  error.pc = state.pc;
  error.line = in.line;
  error.cell = cell;
  const int cols = cell >= 0 ? program.cells[static_cast<std::size_t>(cell)].shape.cols : 1;
  error.row = index / cols;
  error.col = index % cols;
  error.value = std::move(value);
  error.message = "step " + std::to_string(step_index) + " (instruction " + std::to_string(state.pc) +
                  (in.line > 0 ? ", line " + std::to_string(in.line) : "") + ", " + op_name(in.op) + "): " +
                  (cell >= 0 ? entry_name(program, cell, error.row, error.col) + " = " + to_string(error.value) + " " : "") +
                  what;
  return error;
}

// Arguments of a function inside its declared range (FLEQ.md section 2).
std::optional<DomainError> check_arguments(const FleqProgram& program, const MachineState& state,
                                           const Instruction& in, std::int64_t step_index) {
  if (!is_function(in.op)) return std::nullopt;
  const Function f = function_of(in.op);
  const auto& range = program.range(f);
  if (!range) {
    return make_error(DomainError::Kind::range, program, state, step_index, -1, 0, 0,
                      std::string(function_name(f)) + " has no declared range");
  }
  const Matrix& arg = state.cells[static_cast<std::size_t>(in.a)];
  for (std::size_t i = 0; i < arg.entries.size(); ++i) {
    if (!range->contains(arg.entries[i])) {
      return make_error(DomainError::Kind::range, program, state, step_index, in.a, static_cast<int>(i), arg.entries[i],
                        "is outside " + std::string(function_name(f)) + "'s range " + to_string(range->lo) + ".." +
                            to_string(range->hi));
    }
  }
  return std::nullopt;
}

// The result written to an .int or .real cell stays in the domain.
std::optional<DomainError> check_result(const FleqProgram& program, const MachineState& state, const Instruction& in,
                                        const Matrix& result, std::int64_t step_index) {
  const Cell& dest = program.cells[static_cast<std::size_t>(in.c)];
  if (!(result.shape == dest.shape) || result.entries.size() != static_cast<std::size_t>(dest.shape.size())) {
    return make_error(DomainError::Kind::shape, program, state, step_index, -1, 0, 0,
                      "the operation gave a " + result.shape.str() + " result for the " + dest.shape.str() + " cell '" +
                          dest.name + "'");
  }
  const bool integer = dest.kind == CellKind::integer;
  const Rational& bound = integer ? program.int_bound : program.bound;
  for (std::size_t i = 0; i < result.entries.size(); ++i) {
    const Rational& v = result.entries[i];
    const int index = static_cast<int>(i);
    if (integer && boost::multiprecision::denominator(v) != 1) {
      return make_error(DomainError::Kind::not_integral, program, state, step_index, in.c, index, v,
                        "is not an integer (an .int cell must stay integral)");
    }
    if (abs(v) > bound) {
      return make_error(integer ? DomainError::Kind::int_bound : DomainError::Kind::bound, program, state, step_index,
                        in.c, index, v,
                        std::string("is beyond ") + (integer ? ".intbound " : ".bound ") + to_string(bound));
    }
  }
  return std::nullopt;
}

std::int64_t apply_size_guard(Matrix& result, const MachineOptions& options) {
  std::int64_t rounded = 0;
  for (Rational& v : result.entries) {
    if (too_large(v, options.exact_bits_limit)) {
      v = round_to_bits(v, options.guard_bits);
      ++rounded;
    }
  }
  return rounded;
}

}  // namespace

MachineState initial_state(const FleqProgram& program) {
  MachineState state;
  for (const Cell& cell : program.cells) state.cells.emplace_back(cell.shape, cell.initial);
  state.halted = is_halt(program, state);
  return state;
}

bool is_halt(const FleqProgram& program, const MachineState& state) {
  if (state.pc < 0 || state.pc >= program.instruction_count()) return true;
  return program.instructions[static_cast<std::size_t>(state.pc)].op == Op::halt;
}

StepResult step(const FleqProgram& program, const MachineState& state, const OpTable& table,
                const MachineOptions& options, std::int64_t step_index) {
  StepResult out{state, std::nullopt, 0};
  if (state.halted || is_halt(program, state)) {
    out.state.halted = true;
    return out;
  }
  const Instruction& in = program.instructions[static_cast<std::size_t>(state.pc)];
  if (in.c >= 0) {
    if ((out.error = check_arguments(program, state, in, step_index))) return out;
    Matrix result;
    try {
      const Matrix none;
      result = table[in.op](state.cells[static_cast<std::size_t>(in.a)],
                            in.b >= 0 ? state.cells[static_cast<std::size_t>(in.b)] : none);
    } catch (const std::exception& e) {
      out.error = make_error(DomainError::Kind::function, program, state, step_index, -1, 0, 0, e.what());
      return out;
    }
    out.rounded_entries = apply_size_guard(result, options);
    if ((out.error = check_result(program, state, in, result, step_index))) return out;
    out.state.cells[static_cast<std::size_t>(in.c)] = std::move(result);
  }
  const Branch& branch = in.branch;
  bool jump = branch.kind == Branch::Kind::always;
  if (branch.kind == Branch::Kind::if_le_zero) jump = out.state.cells[static_cast<std::size_t>(branch.flag)].entries[0] <= 0;
  out.state.pc = jump ? branch.target : state.pc + 1;
  out.state.halted = is_halt(program, out.state);
  return out;
}

RunResult run_fleq_machine(const FleqProgram& program, std::int64_t max_steps, const MachineOptions& options,
                           bool keep_states) {
  const OpTable ideal = options.table == nullptr ? ideal_ops(options.function_bits) : OpTable{};
  const OpTable& table = options.table == nullptr ? ideal : *options.table;
  RunResult run;
  MachineState state = initial_state(program);
  if (keep_states) run.states.push_back(state);
  while (!state.halted && run.steps < max_steps) {
    StepResult next = step(program, state, table, options, run.steps);
    run.rounded_entries += next.rounded_entries;
    if (next.error) {
      run.error = std::move(next.error);
      break;
    }
    state = std::move(next.state);
    ++run.steps;
    if (keep_states) run.states.push_back(state);
  }
  run.halted = state.halted && !run.error;
  if (!keep_states) run.states.push_back(std::move(state));
  return run;
}

const Matrix& cell_value(const FleqProgram& program, const MachineState& state, const std::string& name) {
  const int index = program.cell_index(name);
  if (index < 0) throw std::out_of_range("no cell '" + name + "' in " + program.source);
  return state.cells[static_cast<std::size_t>(index)];
}

}  // namespace loopcert::isa::fleq
