// Bound of the correct lemma (blocks/correct.hpp, proofs/correct.md).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// correct: entries within e of -1, 0 or 1 come out exact.
inline double correct_output(double delta, double e) { return delta <= e ? 0 : kInfinity; }

}  // namespace loopcert::bounds
