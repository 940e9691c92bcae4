// What bench/engine_scaling.cpp and bench/engine_run.cpp share: the random SUBLEQ program
// of a size, the thread's CPU clock and the authors' figures.
#pragma once
#include <ctime>

#include "random_program.hpp"

namespace loopcert::bench {

// The layout (s, m, n, N): (8, 8, 32, 8), then s = m = n / 4, N = 8.
inline isa::SubleqProgram engine_program(int n) {
  const int s = n == 32 ? 8 : n / 4;
  return random_program(s, s, n, 8);
}

// CPU time of the calling thread (other jobs on the shared machine do not count).
inline double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The authors' numpy loop on OpenBLAS, weights built once, per loop in ms, measured on
// this machine kind (issue 14); 0 where not measured.
inline double authors_ms(int n) {
  switch (n) {
    case 32: return 1.25;
    case 64: return 2.85;
    case 128: return 6.8;
    case 256: return 19.6;
    case 512: return 66;
    case 1024: return 229;
    case 2048: return 1139;
    default: return 0;
  }
}

}  // namespace loopcert::bench
