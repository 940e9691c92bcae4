// Parameters shared by the SUBLEQ blocks (not a lemma: no proof or property of its own). All exact: weights are built from these.
#pragma once
#include "core/rational.hpp"

namespace loopcert::blocks {

struct BlockParams {
  Rational lambda = 4;              // softmax temperature (scores are multiplied by it)
  Rational threshold{1, 4};         // e: `correct` maps [b-e, b+e] to b exactly (b in -1, 0, 1); 0 < e < 1/2
  Rational snap{1, 2};              // e_s: `read` snaps [b-e_s, b+e_s] to b exactly (b = +-1); 0 < e_s < 1
  Rational gate = 4;                // C_g: shifts a gated ReLU off outside the work column; > 1 + max|garbage|
  Rational write_gate = 2;          // C_w: the write gate's constant (proofs/write.md: C_w (1 - 2k) >= (1 + d)(1 + 2k))
};

}  // namespace loopcert::blocks
