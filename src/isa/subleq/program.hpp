// A SUBLEQ program as loopcert holds it: plain data shared by the assembler, the
// official CSV reader, the reference machine and the compiler.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loopcert::isa {

// One command (a, b, c): mem[b] -= mem[a]; if mem[b] <= 0 goto c else next.
// a and b are memory-cell indices in [0, m); c is a command index in [0, #commands).
struct Command {
  int a = 0;
  int b = 0;
  int c = 0;
  int line = 0;  // source line (1-based) for diagnostics, 0 when unknown
};

// The punchcard's column regions: [0, s) scratchpad, [s, s+m) memory, [s+m, n) commands.
struct SubleqProgram {
  int bits = 8;                         // N, 2..64
  int scratch = 1;                      // s, number of scratchpad columns
  std::vector<std::string> cell_names;  // m names; for CSV programs the column index as text
  std::vector<std::int64_t> memory;     // m initial values, each fits N-bit two's complement
  std::vector<Command> commands;        // the program; execution starts at command 0
  std::string source;                   // file the program came from (for messages)
  bool from_csv = false;                // official CSV pair: cells are named by column index

  int cells() const { return static_cast<int>(memory.size()); }
  int command_count() const { return static_cast<int>(commands.size()); }
  int columns() const { return scratch + cells() + command_count(); }
  int memory_column(int cell) const { return scratch + cell; }
  int command_column(int index) const { return scratch + cells() + index; }
};

}  // namespace loopcert::isa
