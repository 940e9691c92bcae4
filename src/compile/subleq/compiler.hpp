// SUBLEQ program -> Layout + first punchcard X0 + LoopSpec, and punchcard -> machine
// state. C++ builds weights, encodes the first input and decodes outputs; every state
// change between loops comes from the layers built here (src/blocks).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "blocks/shared/params.hpp"
#include "bounds/subleq_loop.hpp"
#include "compile/encoding.hpp"
#include "isa/subleq/program.hpp"
#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"
#include "tf/matrix.hpp"

namespace loopcert::compile {

// The row blocks of the SUBLEQ punchcard (DESIGN.md: every block has a name).
//   constants: pos (L), is_work (1), is_mem (1), cmd_a/cmd_b/cmd_c (L each, command columns)
//   state:     mem (N, memory columns), pc (L, work column)
//   per-loop temporaries, zero between loops: ins_a/ins_b/ins_c (L), val_a/val_b (N),
//     diff (N), next (L), flag (1), wbuf (N), whit (1)
Layout subleq_layout(const isa::SubleqProgram& program);

struct CompiledSubleq {
  Layout layout;
  Matrix<Rational> X0;
  LoopSpec loop;
  blocks::BlockParams params;
};

// Checks that the program fits the construction (e.g. N and n limits) and builds it.
// Throws std::invalid_argument with a reason when it cannot be built.
CompiledSubleq compile_subleq(const isa::SubleqProgram& program, const blocks::BlockParams& params);

// The constants of the weights that the loop theorem needs (bounds/subleq_loop.hpp).
bounds::LoopConstants loop_constants(const blocks::BlockParams& params);

// The loop's layers for a given layout (shared by compile_subleq and the properties).
LoopSpec subleq_loop(const Layout& layout, const blocks::BlockParams& params);


// Writes the state (pc, memory) and constants into an exact punchcard.
Matrix<Rational> encode(const Layout& layout, const isa::SubleqProgram& program, int pc, const std::vector<std::int64_t>& memory);

// Where decoding failed: an entry farther than the tolerance from +-1.
struct InvalidEntry {
  int row = 0;
  int column = 0;
  double value = 0;
  std::string where;  // "mem[3] at mem 2 (column 4)"
};

struct DecodedState {
  int pc = -1;  // command index, -1 when the pc code is not a command column
  std::vector<std::int64_t> memory;
  std::optional<InvalidEntry> invalid;  // first entry that is not a bit
};

// Decodes pc and memory from X (entries converted to double: the tolerance is far
// above double's resolution). Never rounds silently: see DecodedState::invalid.
DecodedState decode(const Layout& layout, const isa::SubleqProgram& program, const Matrix<double>& X, double tolerance);

}  // namespace loopcert::compile
