// The `.sq` assembler (syntax in DESIGN.md section 6): text -> SubleqProgram.
// Every mistake is an InputError pointing at the offending token.
#pragma once
#include <string>

#include "isa/subleq/program.hpp"

namespace loopcert::isa {

// Name of the zero cell the assembler appends (after the declared cells) when the
// program needs a halt command; halt commands are `subleq _halt_zero, _halt_zero, self`.
inline constexpr const char* kHaltZeroCell = "_halt_zero";

// Assembles `text`; `filename` is used in messages and stored as program.source.
// The result has scratch = 1, from_csv = false, and ends in a halt command whenever
// execution could otherwise fall past the last command.
SubleqProgram assemble_sq(const std::string& text, const std::string& filename);

// Reads and assembles a file; an unreadable file is an InputError naming it.
SubleqProgram load_sq(const std::string& path);

}  // namespace loopcert::isa
