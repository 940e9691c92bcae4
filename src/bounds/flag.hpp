// Bound of the flag lemma (blocks/flag.hpp, proofs/flag.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// flag: bits within delta -> flag within N delta.
inline double flag_output(int N, double delta) { return N * delta < 1 ? N * delta : kInfinity; }

}  // namespace loopcert::bounds
