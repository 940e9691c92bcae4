// Bound of the subtract lemma (blocks/subtract.hpp, proofs/subtract.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// subtract: operand bits within delta -> result bits within 2^(N+1) delta: the N term
// the paper's read bound lacks (a scaling by a power of two: exact in double).
inline double subtract_output(int N, double delta) {
  return std::ldexp(delta, N) < 1 ? std::ldexp(delta, N + 1) : kInfinity;
}

}  // namespace loopcert::bounds
