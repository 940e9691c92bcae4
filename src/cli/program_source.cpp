#include "cli/program_source.hpp"

#include "cli/common.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/official_csv.hpp"

namespace loopcert::cli {

isa::SubleqProgram load_program(const ProgramSource& source) {
  const bool csv = !source.cmds.empty() || !source.mem.empty() || !source.layout.empty();
  if (csv && !source.path.empty())
    throw UsageError("give either PROGRAM (.sq) or --cmds/--mem/--layout, not both");
  if (csv) {
    if (source.cmds.empty() || source.mem.empty() || source.layout.empty())
      throw UsageError("the official CSV format needs all three of --cmds C.csv, --mem M.csv and --layout s,m,n,N");
    return isa::load_official_csv(source.cmds, source.mem, isa::parse_layout(source.layout));
  }
  if (source.path.empty()) throw UsageError("no program given (PROGRAM.sq, or --cmds/--mem/--layout for the official CSV pair)");
  if (source.path.size() >= 4 && source.path.substr(source.path.size() - 4) == ".csv")
    throw UsageError("'" + source.path + "' is a CSV file: pass the official pair as --cmds C.csv --mem M.csv --layout s,m,n,N");
  return isa::load_sq(source.path);
}

void check_transformer_size(const isa::SubleqProgram& program) {
  if (program.scratch < 1)
    throw UsageError(program.source + ": s = 0 scratchpad columns; the transformer needs at least one (its work column), e.g. --layout 1,...");
  if (program.columns() > kMaxTransformerColumns)
    throw UsageError(program.source + ": the punchcard needs " + std::to_string(program.columns()) + " columns (" +
                     std::to_string(program.scratch) + " scratchpad + " + std::to_string(program.cells()) + " memory + " +
                     std::to_string(program.command_count()) + " commands); transformer runs are limited to " +
                     std::to_string(kMaxTransformerColumns) + " (attention keeps an n x n score matrix). `run --machine-only` has no limit.");
}

}  // namespace loopcert::cli
