// FLEQ program -> Layout + first punchcard X0 + LoopSpec, and punchcard -> machine state
// (namespace loopcert::compile::fleq). C++ builds the weights, encodes the first input
// and decodes outputs; every state change between loops comes from the layers of
// compile/fleq/loop.hpp.
//
// Instructions covered: add, sub, copy (real and .int cells), tmatmul, matmul, scale,
// hadamard, transpose (real cells, the product heads), sigmoid, exp, recip, sqrt, rsqrt
// (real cells, the function heads of blocks/fleq_function.hpp), `if F <= 0 goto`,
// `goto`, `halt` and falling off the end. `unsupported_instruction` names any other.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compile/fleq/constants.hpp"
#include "compile/fleq/layout.hpp"
#include "compile/fleq/loop.hpp"
#include "isa/fleq/machine.hpp"
#include "tf/matrix.hpp"

namespace loopcert::compile::fleq {

struct CompiledFleq {
  Layout layout;
  Geometry geometry;
  FleqConstants constants;
  Matrix<Rational> X0;
  LoopSpec loop;
};

// The first instruction the construction cannot run, as a sentence with its line, or none.
std::optional<std::string> unsupported_instruction(const isa::fleq::FleqProgram& program);

// Builds the transformer; throws std::invalid_argument with a reason when it cannot
// (an unsupported instruction, an .intbound too large for the integer snap).
CompiledFleq compile_fleq(const isa::fleq::FleqProgram& program, const CompileOptions& options = {});

// Writes pc and every cell (exact rationals) and the constants into a punchcard.
Matrix<Rational> encode(const Layout& layout, const isa::fleq::FleqProgram& program, const isa::fleq::MachineState& state);

// The first entry decoding refused: an .int entry farther than 1/4 from an integer, a pc
// bit farther than 1/4 from +-1, or a pc code that is not a command column.
struct InvalidEntry {
  int row = 0;
  int column = 0;
  double value = 0;
  std::string where;  // "val[0] at column 5 (cell 'K' entry [1,1])"
};

struct DecodedCell {
  std::vector<double> entries;       // row-major, the declared shape (as read, never rounded)
  std::optional<std::int64_t> integer;  // .int cells: the integer within 1/4 of entry (0,0)
};

struct DecodedFleq {
  int pc = -1;  // instruction index (== #instructions: fell off / the final halt), -1 invalid
  std::vector<DecodedCell> cells;        // one per program cell
  std::optional<InvalidEntry> invalid;   // the first entry that did not decode
};

// Decodes pc (from every work column: all must agree) and every cell from X.
DecodedFleq decode(const Layout& layout, const isa::fleq::FleqProgram& program, const Matrix<double>& X);

}  // namespace loopcert::compile::fleq
