// Reader for the authors' SUBLEQ CSV pair (DESIGN.md section 6,
// ../shared/compat/official/README.md): commands `a,b,c` as punchcard column
// indices, memory `mem` as one signed integer per line, layout "s,m,n,N".
#pragma once
#include <string>

#include "isa/subleq/program.hpp"

namespace loopcert::isa {

// Punchcard layout: s scratchpad columns, m memory columns, n columns in all
// (so n - s - m commands), N bits per integer.
struct CsvLayout {
  int s = 0;
  int m = 0;
  int n = 0;
  int N = 0;
};

// Parses the --layout flag "s,m,n,N" (blanks around numbers allowed). Errors are
// InputErrors with file "--layout" and line 0.
CsvLayout parse_layout(const std::string& text);

// Reads both files and converts them to program indices: cell i is column s + i and is
// named by that column index; command j is column s + m + j. scratch = s, from_csv = true.
SubleqProgram load_official_csv(const std::string& cmds_path, const std::string& mem_path,
                                const CsvLayout& layout);

// The same from file contents already in memory; the names are used in messages.
SubleqProgram parse_official_csv(const std::string& cmds_text, const std::string& cmds_name,
                                 const std::string& mem_text, const std::string& mem_name,
                                 const CsvLayout& layout);

}  // namespace loopcert::isa
