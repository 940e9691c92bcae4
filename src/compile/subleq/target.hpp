// SUBLEQ as a machine of the generic lockstep driver: the adapter (the exact machine of
// isa/subleq beside the compiled loop, decoding +-1 bits with a tolerance), the bounds'
// predictions (bounds/subleq_loop.hpp, bounds/precision.hpp) and the default temperature.
#pragma once
#include <memory>

#include "blocks/shared/params.hpp"
#include "compile/machine.hpp"
#include "compile/subleq/compiler.hpp"
#include "isa/subleq/program.hpp"

namespace loopcert::compile {

// The default softmax temperature of a SUBLEQ run: the smallest multiple of 1/2 at which
// the loop theorem (proofs/subleq_loop.md) holds with its bounds at half their thresholds
// (bounds::default_lambda), the leaks counted on the layout's own codes
// (bounds::loop_shape), exactly. The one place it is computed.
Rational default_lambda(const Layout& layout, const blocks::BlockParams& params);
Rational default_lambda(const isa::SubleqProgram& program, const blocks::BlockParams& params);

// The cells `run` reports: declared ones, and the assembler's hidden `_halt_zero` apart.
std::vector<Cell> subleq_cells(const isa::SubleqProgram& program, const std::vector<std::int64_t>& memory);

// The values of cells, in order (tests compare them with the machine's memory).
std::vector<std::int64_t> cell_values(const std::vector<Cell>& cells);

// Compiles the program (throws std::invalid_argument with a reason when it cannot be
// built) and returns it as a target: adapter factory, predictors, default lambda.
LoopTarget subleq_target(const isa::SubleqProgram& program, const blocks::BlockParams& params);

}  // namespace loopcert::compile
