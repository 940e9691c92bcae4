// Random SUBLEQ programs for the properties: N-bit cells with random values, a zero cell
// and a final halt (a jump to itself on it), as the assembler makes them, so that a
// program can never fall past its last command. Sizes drawn up to the given limits.
#pragma once
#include <rapidcheck.h>

#include <cstdint>
#include <string>

#include "isa/subleq/program.hpp"

namespace loopcert::testing {

struct RandomSubleqLimits {
  int max_bits = 12, max_scratch = 2, max_cells = 8, max_commands = 12;
};

inline rc::Gen<isa::SubleqProgram> random_subleq_program(RandomSubleqLimits limits = {}) {
  return rc::gen::exec([limits] {
    isa::SubleqProgram p;
    p.bits = *rc::gen::inRange(2, limits.max_bits + 1);
    p.scratch = *rc::gen::inRange(1, limits.max_scratch + 1);
    const int m = *rc::gen::inRange(1, limits.max_cells + 1), cmds = *rc::gen::inRange(1, limits.max_commands + 1);
    const std::int64_t lo = -(std::int64_t{1} << (p.bits - 1)), hi = (std::int64_t{1} << (p.bits - 1)) - 1;
    for (int i = 0; i < m; ++i) {
      p.cell_names.push_back("c" + std::to_string(i));
      p.memory.push_back(*rc::gen::inRange<std::int64_t>(lo, hi + 1));
    }
    p.cell_names.push_back("zero");
    p.memory.push_back(0);
    for (int j = 0; j < cmds; ++j)
      p.commands.push_back({*rc::gen::inRange(0, m + 1), *rc::gen::inRange(0, m + 1), *rc::gen::inRange(0, cmds + 1), 0});
    p.commands.push_back({m, m, cmds, 0});
    p.source = "random";
    return p;
  });
}

}  // namespace loopcert::testing
