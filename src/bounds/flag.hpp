// Bound of the flag lemma (blocks/flag.hpp, proofs/flag.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// flag: bits within delta -> flag within N delta (rounded up; +infinity unless N delta < 1).
inline double flag_output(int N, double delta) {
  const double b = mul_up(N, delta);
  return b < 1 ? b : kInfinity;
}

}  // namespace loopcert::bounds
