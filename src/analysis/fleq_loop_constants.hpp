// The FLEQ loop theorem's inputs (bounds/fleq_loop.hpp) read off a compiled program:
// bounds/ may not see compile/, so this adapter lives in analysis/.
#pragma once
#include <optional>
#include <vector>

#include "bounds/fleq_loop.hpp"
#include "compile/fleq/compiler.hpp"

namespace loopcert::analysis {

// The compiled program's constants as the bound needs them; `compiled` must outlive the
// result (its loop is referenced for the layers' FFN roundings). fit_errors[f] (f an
// isa::fleq::Function index): the certified E_w of compiled.constants.functions[f] on
// compile::fleq::widened_target(fit), i.e. cert::certify(widened_target(fit), fit.sum).bound
// (cert/ sits above analysis/, so the caller certifies); a function without one has an
// infinite bound.
bounds::FleqLoopConstants fleq_loop_constants(const isa::fleq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled,
                                              const std::vector<double>& fit_errors = {});

// The shape of instruction `pc` for the bound; none for an instruction that writes nothing.
std::optional<bounds::FleqInstructionShape> fleq_instruction_shape(const isa::fleq::FleqProgram& program, int pc);

}  // namespace loopcert::analysis
