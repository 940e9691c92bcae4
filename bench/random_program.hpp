// A random SUBLEQ program filling a layout (s, m, n, N) and ending in a halt, as the
// authors' programs do: what the loop benchmarks run, whatever it computes.
#pragma once
#include <random>
#include <string>

#include "isa/subleq/program.hpp"

namespace loopcert::bench {

inline isa::SubleqProgram random_program(int s, int m, int n, int N) {
  std::mt19937_64 rng(7);
  isa::SubleqProgram p;
  p.bits = N;
  p.scratch = s;
  const int cmds = n - s - m;
  for (int i = 0; i < m; ++i) {
    p.cell_names.push_back(std::to_string(i));
    p.memory.push_back(i == 0 ? 0 : static_cast<std::int64_t>(rng() % (1 << (N - 1))) - (1 << (N - 2)));
  }
  for (int j = 0; j + 1 < cmds; ++j)
    p.commands.push_back({static_cast<int>(rng() % m), static_cast<int>(rng() % m), static_cast<int>(rng() % cmds), 0});
  p.commands.push_back({0, 0, cmds - 1, 0});
  return p;
}

}  // namespace loopcert::bench
