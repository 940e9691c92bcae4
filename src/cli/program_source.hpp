// Loads the program a subcommand names: a .sq file, or the official CSV pair.
#pragma once
#include <string>

#include "isa/program.hpp"

namespace loopcert::cli {

struct ProgramSource {
  std::string path;    // .sq file (empty when the CSV pair is given)
  std::string cmds;    // official CSV: commands file
  std::string mem;     // official CSV: memory file
  std::string layout;  // official CSV: "s,m,n,N"
};

// Throws isa::InputError (file:line:col) or UsageError (flags).
isa::SubleqProgram load_program(const ProgramSource& source);

}  // namespace loopcert::cli
