// Bound of the increment lemma (blocks/increment.hpp, proofs/increment.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// increment: pc bits within delta -> next bits within 2^L delta (a scaling by a power of
// two: exact in double unless it overflows, which gives +infinity).
inline double increment_output(int L, double delta) {
  return std::ldexp(delta, L - 1) < 1 ? std::ldexp(delta, L) : kInfinity;
}

}  // namespace loopcert::bounds
