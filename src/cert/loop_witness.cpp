#include "cert/detail/loop_witness.hpp"

#include <random>

#include <fmt/format.h>

#include "core/scalar_dispatch.hpp"
#include "isa/subleq/machine.hpp"
#include "tf/transformer.hpp"

namespace loopcert::cert::detail {

namespace {

// What the punchcard decodes to, when it is not `expected`.
template <class T>
std::optional<std::string> mismatch(const isa::SubleqProgram& p, const Layout& layout, const Matrix<T>& X, const isa::MachineState& expected) {
  if (auto bad = LoopedTransformer<T>::find_non_finite(X)) return "a non-finite value at row " + layout.describe_row(bad->row);
  Matrix<double> D(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.size(); ++i) D.data()[i] = ScalarTraits<T>::to_double(X.data()[i]);
  const compile::DecodedState got = compile::decode(layout, p, D, 0.25);
  if (got.invalid) return "not a valid state: " + got.invalid->where;
  if (got.pc != expected.pc) return fmt::format("pc {} instead of {}", got.pc, expected.pc);
  for (int m = 0; m < p.cells(); ++m)
    if (got.memory[m] != expected.memory[m])
      return fmt::format("cell {} = {} instead of {}", p.cell_names[m], got.memory[m], expected.memory[m]);
  return std::nullopt;
}

std::string table(const isa::SubleqProgram& p) {
  std::string out;
  for (const auto& c : p.commands) out += fmt::format("{} {} {}\n", c.a, c.b, c.c);
  return out;
}

template <class T>
std::optional<FoundWitness> search(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled, const LoopOptions& o) {
  LoopedTransformer<T> tf = instantiate<T>(compiled.loop, ScalarTraits<T>::exact ? AttentionMode::Hardmax : AttentionMode::Softmax);
  std::mt19937_64 rng(20230201);  // fixed: the same witness on every call
  const std::int64_t half = std::int64_t(1) << (program.bits - 1);
  std::uniform_int_distribution<std::int64_t> value(-half, half - 1);
  std::uniform_int_distribution<int> cell(0, program.cells() - 1), command(0, program.command_count() - 1);
  for (int sample = 0; sample < o.witness_samples; ++sample) {
    isa::SubleqProgram p = program;
    if (sample % 2 == 1)  // a random table of the layout: the certificate is about every table
      for (auto& c : p.commands) c = {cell(rng), cell(rng), command(rng), 0};
    isa::MachineState s{command(rng), {}, false};
    for (int m = 0; m < p.cells(); ++m) s.memory.push_back(value(rng));
    s.halted = isa::is_halt(p, s);
    Matrix<T> X = to_scalar<T>(compile::encode(compiled.layout, p, s.pc, s.memory));
    for (int loop = 0; loop < o.witness_loops; ++loop) {
      const isa::MachineState next = isa::step(p, s);
      if (next.pc < 0 || next.pc >= p.command_count()) break;
      tf.apply_loop(X);
      if (auto why = mismatch(p, compiled.layout, X, next))
        return FoundWitness{Witness{s.pc, s.memory, next.pc, next.memory, *why, loop}, sample % 2 == 1 ? table(p) : std::string()};
      s = next;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<FoundWitness> search_witness(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled, const LoopOptions& o) {
  return dispatch_scalar(o.scalar, [&]<class T>(ScalarTag<T>) { return search<T>(program, compiled, o); }, DispatchOptions{false, nullptr});
}

}  // namespace loopcert::cert::detail
