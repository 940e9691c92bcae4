// Text for a finished run of the exact FLEQ machine: what `loopcert run P.fq
// --machine-only` prints (README "FLEQ programs"). Numbers only: the JSON writer lives in
// report/ and builds its own from RunResult.
#pragma once
#include <string>

#include "isa/fleq/machine.hpp"

namespace loopcert::isa::fleq {

// An entry as text: integers exactly, other values as decimals with `digits`
// significant digits (nearest), e.g. 0.27777777777777777778.
std::string entry_text(const Rational& value, int digits = 20);

// [[a, b], [c, d]] for a matrix, the entry alone for a 1x1 matrix.
std::string matrix_text(const Matrix& value, int digits = 20);

// The run's header (program, steps, halted or why it stopped, size-guard roundings)
// and every cell's final value, one line each, in declaration order.
std::string run_summary(const FleqProgram& program, const RunResult& run, const MachineOptions& options,
                        int digits = 20);

}  // namespace loopcert::isa::fleq
