// Loads the program a subcommand names: a .sq file, or the official CSV pair.
#pragma once
#include <string>

#include "isa/subleq/program.hpp"

namespace loopcert::cli {

struct ProgramSource {
  std::string path;    // .sq file (empty when the CSV pair is given)
  std::string cmds;    // official CSV: commands file
  std::string mem;     // official CSV: memory file
  std::string layout;  // official CSV: "s,m,n,N"
};

// Throws InputError (file:line:col) or UsageError (flags).
isa::SubleqProgram load_program(const ProgramSource& source);

// The largest punchcard a transformer run accepts: attention keeps an n x n score matrix
// per head (128 MB of doubles at n = 4096, far more in MPFR).
inline constexpr int kMaxTransformerColumns = 4096;
// Throws UsageError unless the transformer can be built for the program: at least one
// scratchpad column (the work column) and at most kMaxTransformerColumns columns. The
// reference machine alone (`run --machine-only`) needs neither.
void check_transformer_size(const isa::SubleqProgram& program);

}  // namespace loopcert::cli
