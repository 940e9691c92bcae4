// The `.fq` assembler (FLEQ.md section 2; README "FLEQ programs"): text -> FleqProgram.
// Every mistake is an InputError (core/input_error.hpp) at the offending token's
// file:line:col, saying what was expected. Shapes, cell kinds and function ranges are
// checked here, so the machine only meets run-time domain errors.
#pragma once
#include <string>

#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq {

inline constexpr int kMaxCellSize = 64;  // the largest .k accepted
inline constexpr int kMaxFunctionTerms = 256;  // the largest .terms accepted (ext)

// Assembles `text`; `filename` is used in messages and stored as program.source.
FleqProgram assemble_fq(const std::string& text, const std::string& filename);

// Reads and assembles a file; an unreadable file is an InputError naming it.
FleqProgram load_fq(const std::string& path);

}  // namespace loopcert::isa::fleq
