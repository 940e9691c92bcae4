// What the FLEQ adapter (compile/fleq/target.cpp) measures on the punchcard read exactly
// after every loop (MachineAdapter::read_exact):
// - the loop theorem's quantity (proofs/fleq_loop.md, Theorem 2): the exact machine
//   stepped from the transformer's own previous state (every cell as the scalar held it,
//   the pc the exact machine executed), against the written cell; every other cell must
//   be unchanged bit for bit; the largest stored real entry (hypothesis H2);
// - the destination against the exact machine's own run;
// - with --decompose, the block-exact machine (compile/fleq/block_exact.hpp) stepped
//   beside: block-exact against ideal and the transformer against block-exact.
// C++ only reads and compares here: the machines are the reference, the punchcard is
// the transformer's.
#pragma once
#include <functional>
#include <optional>

#include "compile/fleq/compiler.hpp"
#include "compile/fleq/target.hpp"
#include "isa/fleq/functions.hpp"
#include "isa/fleq/machine.hpp"

namespace loopcert::compile::fleq::detail {

class RunMeter {
 public:
  // `block`: the block-exact table (nullptr: no decomposition). Every argument outlives the meter.
  RunMeter(const isa::fleq::FleqProgram& program, const CompiledFleq& compiled, const isa::fleq::OpTable& ideal,
           const isa::fleq::OpTable* block, const isa::fleq::MachineOptions& machine, bool keep_rows);

  void reset(RealErrorLog& log);
  // The punchcard after `loop` loops (0: the first punchcard); `pc` the instruction the
  // exact machine executed in that loop (-1: none), `reference` its state after it.
  void observe(const std::function<Rational(int, int)>& entry, std::int64_t loop, int pc, const isa::fleq::MachineState& reference,
               RealErrorLog& log);
  // The punchcard's cells, exactly as the scalar holds them (no pc).
  isa::fleq::MachineState read(const std::function<Rational(int, int)>& entry) const;
  // The cells the last observe() read (null before the first).
  const isa::fleq::MachineState* held() const { return own_ ? &*own_ : nullptr; }

 private:
  void measure_own(const isa::fleq::MachineState& now, int pc, std::int64_t loop, FleqLoopRow& row, RealErrorLog& log) const;
  void measure_parts(const isa::fleq::MachineState& now, int pc, std::int64_t loop, const isa::fleq::MachineState& reference,
                     FleqLoopRow& row, RealErrorLog& log);

  const isa::fleq::FleqProgram& program_;
  const CompiledFleq& compiled_;
  const isa::fleq::OpTable& ideal_;
  const isa::fleq::OpTable* block_;
  const isa::fleq::MachineOptions& machine_;
  bool keep_rows_;
  std::optional<isa::fleq::MachineState> own_;    // the transformer's state before this loop
  isa::fleq::MachineState block_state_;           // the block-exact machine's
};

// |x - y| / max(1, |y|), exactly, as a double.
double mixed_error(const Rational& x, const Rational& y);

}  // namespace loopcert::compile::fleq::detail
