// Bounds of the read lemma (blocks/read.hpp, proofs/read.md, properties/read.cpp).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// read, attention part: distance of the copied entry from its ideal bit, for pointers
// and source bits within delta, n columns, L address bits. (proofs/read.md, Lemma 2)
inline double read_attention(int n, int L, double lambda, double delta) {
  const double gap = 2 - 2 * L * delta;
  if (gap <= 0) return kInfinity;
  return delta + softmax_leak(n - 1, lambda, gap) * (2 + 2 * delta);
}
// read, after the snap: 0 when the attention error is at most e (the snap is exact there).
inline double read_output(int n, int L, double lambda, double delta, double e) {
  return read_attention(n, L, lambda, delta) <= e ? 0 : kInfinity;
}

}  // namespace loopcert::bounds
