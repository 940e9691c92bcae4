// Template part of analysis/lockstep.hpp, instantiated per scalar family.
#pragma once
#include <chrono>
#include <cmath>

#include "analysis/lockstep.hpp"
#include "compile/subleq_compiler.hpp"
#include "isa/machine.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

namespace detail {

// Largest |X - enc(state)| over the rows that carry machine state: memory cells and
// the pc (DESIGN.md section 8). The difference is taken in T, then converted, so that
// drifts far below double's resolution (mpfr:200) are still seen.
template <class T>
double drift(const Layout& layout, const isa::SubleqProgram& program, const Matrix<T>& X, const isa::MachineState& ref) {
  double worst = 0;
  const RowBlock& mem = layout.block("mem");
  for (int m = 0; m < program.cells(); ++m) {
    const auto bits = compile::integer_bits(ref.memory[m], program.bits);
    const int col = program.memory_column(m);
    for (int k = 0; k < mem.size; ++k)
      worst = std::max(worst, std::abs(ScalarTraits<T>::to_double(T(X(mem.row(k), col) - T(bits[k])))));
  }
  if (ref.pc >= 0 && ref.pc < program.command_count()) {
    const RowBlock& pc = layout.block("pc");
    const auto code = compile::position_code(program.command_column(ref.pc), pc.size);
    for (int k = 0; k < pc.size; ++k)
      worst = std::max(worst, std::abs(ScalarTraits<T>::to_double(T(X(pc.row(k), layout.scratch().begin) - T(code[k])))));
  }
  return std::isnan(worst) ? INFINITY : worst;
}

template <class T>
Matrix<double> to_double_matrix(const Matrix<T>& X) {
  Matrix<double> out(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) out(i, j) = ScalarTraits<T>::to_double(X(i, j));
  return out;
}

inline std::string cell_name(const isa::SubleqProgram& p, int cell) { return p.cell_names.at(cell); }

}  // namespace detail

template <class T>
RunResult run_lockstep_t(const isa::SubleqProgram& program, const RunOptions& options, AttentionMode mode) {
  const auto started = std::chrono::steady_clock::now();
  compile::CompiledSubleq compiled = compile::compile_subleq(program, options.params);
  LoopedTransformer<T> tf = instantiate<T>(compiled.loop, mode);
  Matrix<T> X = to_scalar<T>(compiled.X0);
  const Layout& layout = compiled.layout;

  RunResult result;
  result.scalar = options.scalar.name();
  result.lambda = options.params.lambda.str();
  result.lambda_value = to_double(options.params.lambda);
  result.layers = static_cast<int>(compiled.loop.layers.size());
  result.heads = compiled.loop.head_count();
  result.max_heads_per_layer = compiled.loop.max_heads_per_layer();
  result.rows = layout.rows();
  result.columns = layout.columns();
  result.hidden_units = compiled.loop.hidden_units();

  isa::MachineState ref = isa::initial_state(program);
  bool past_halt = false;  // the extra loop after the halt has run
  while (true) {
    if (ref.halted) {
      if (past_halt) break;
      past_halt = true;
    } else if (result.steps >= options.max_steps) {
      break;
    }
    const isa::MachineState before = ref;
    // One loop, checking for overflow after every layer.
    for (int l = 0; l < tf.layer_count(); ++l) {
      tf.apply_layer(l, X);
      if (auto bad = LoopedTransformer<T>::find_non_finite(X)) {
        result.agree = false;
        result.first_divergence = Divergence{result.loops + 1, "non-finite", "finite", std::to_string(bad->value),
                                             "layer " + tf.layer(l).name + ", row " + layout.describe_row(bad->row) + ", column " +
                                                 layout.describe_column(bad->column)};
        break;
      }
    }
    ++result.loops;
    if (!result.agree) break;
    if (!ref.halted) {
      ref = isa::step(program, ref);
      ++result.steps;
    }
    const double d = detail::drift(layout, program, X, ref);
    if (d > result.max_drift) {
      result.max_drift = d;
      result.max_drift_loop = result.loops;
    }
    if (options.trace && before.pc >= 0 && before.pc < program.command_count()) {
      const auto& cmd = program.commands.at(before.pc);
      result.trace.push_back({result.loops, before.pc, cmd.a, cmd.b, cmd.c, ref.memory[cmd.b], d});
    }
    // Compare the decoded state with the reference.
    const compile::DecodedState got = compile::decode(layout, program, detail::to_double_matrix(X), options.tolerance);
    std::optional<Divergence> div;
    if (ref.pc < 0 || ref.pc >= program.command_count()) {
      div = Divergence{result.loops, "pc", "past the last command", std::to_string(got.pc),
                       "the program fell past its last command: it has no halt there, and the transformer no command "
                       "column (end the program with a halt)"};
    } else if (got.invalid) {
      div = Divergence{result.loops, "invalid", "+-1 within " + std::to_string(options.tolerance), std::to_string(got.invalid->value),
                       got.invalid->where};
    } else if (got.pc != ref.pc) {
      div = Divergence{result.loops, "pc", std::to_string(ref.pc), std::to_string(got.pc), ""};
    } else {
      for (int m = 0; m < program.cells() && !div; ++m)
        if (got.memory[m] != ref.memory[m])
          div = Divergence{result.loops, "mem[" + detail::cell_name(program, m) + "]", std::to_string(ref.memory[m]),
                           std::to_string(got.memory[m]), ""};
    }
    result.memory = got.invalid ? ref.memory : got.memory;
    if (div) {
      result.agree = false;
      result.first_divergence = div;
      break;
    }
    if (options.progress && result.loops % 1000 == 0) options.progress(result.loops, options.max_steps);
  }
  if (result.memory.empty()) result.memory = ref.memory;
  result.halted = ref.halted;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace loopcert::analysis
