// Bound of the flag lemma (blocks/flag.hpp, proofs/flag.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// flag: bits within delta -> flag within N delta (rounded up; +infinity unless N delta < 1).
// The same with each bit's own bound (proofs/flag.md, "Per bit"): bits within delta_i
// whose sum is at most `total` < 1 -> flag within total (+infinity unless total < 1).
inline double flag_output_sum(double total) { return total < 1 ? total : kInfinity; }

inline double flag_output(int N, double delta) { return flag_output_sum(mul_up(N, delta)); }

}  // namespace loopcert::bounds
