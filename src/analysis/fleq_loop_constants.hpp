// The FLEQ loop theorem's inputs (bounds/fleq_loop.hpp) read off a compiled program:
// bounds/ may not see compile/, so this adapter lives in analysis/.
#pragma once
#include <optional>

#include "bounds/fleq_loop.hpp"
#include "compile/fleq/compiler.hpp"

namespace loopcert::analysis {

// The compiled program's constants as the bound needs them; `compiled` must outlive the
// result (its loop is referenced for the layers' FFN roundings).
bounds::FleqLoopConstants fleq_loop_constants(const isa::fleq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled);

// The shape of instruction `pc` for the bound; none for an instruction that writes nothing.
std::optional<bounds::FleqInstructionShape> fleq_instruction_shape(const isa::fleq::FleqProgram& program, int pc);

}  // namespace loopcert::analysis
