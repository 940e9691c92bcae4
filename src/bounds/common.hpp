// What every bound shares: +infinity for "nothing is claimed", the gamma_k of chained
// roundings, and the softmax leak of proofs/read.md, Lemma 1.
//
// Conventions (all of bounds/): inputs that should be +-1 (or 0/1 for a flag) are within
// `delta` of their ideal value; exact-arithmetic bounds take no rounding into account,
// and `rounding_*` add the floating-point part for a unit roundoff u (0 for exact runs).
// A bound is +infinity when its hypotheses fail (then nothing is claimed).
#pragma once
#include <cmath>
#include <limits>

namespace loopcert::bounds {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// gamma_k = k u / (1 - k u): the classic bound on k chained roundings (Higham, 3.4).
inline double gamma(double k, double u) { return k * u < 1 ? k * u / (1 - k * u) : kInfinity; }

// Softmax leak (proofs/read.md, Lemma 1): total weight on the columns other than the
// maximisers when the maximisers' scores exceed every other score by at least `gap`
// and there are `others` other columns.
inline double softmax_leak(int others, double lambda, double gap) {
  if (gap <= 0) return 1;
  const double r = others * std::exp(-lambda * gap);
  return r / (1 + r);
}

}  // namespace loopcert::bounds
