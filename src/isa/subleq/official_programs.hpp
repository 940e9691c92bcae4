// The authors' four SUBLEQ programs (github.com/jysohn1108/Looped-Transformer, inputs/),
// read unchanged from ../shared/compat/official: one manifest of their file stems and
// layouts (s,m,n,N), as their notebooks use them (../shared/compat/official/README.md).
#pragma once
#include <array>
#include <string_view>

namespace loopcert::isa {

struct OfficialProgram {
  std::string_view name;    // file stem: NAME_cmds.csv, NAME_init_mem.csv
  std::string_view layout;  // s,m,n,N
  std::string_view what;
};

inline constexpr std::array<OfficialProgram, 4> kOfficialPrograms = {{
    {"subleq", "8,8,32,8", "a random 16-command program (their run.sh)"},
    {"ftrl", "2,10,23,15", "7! = 5040"},
    {"reverse_list", "2,11,38,5", "reverses [-7,-6,-5,-4,3,2,1] in place"},
    {"linear_search", "2,14,94,6", "index of target 1 in [-7,-6,-5,-4,3,2,1]"},
}};

}  // namespace loopcert::isa
