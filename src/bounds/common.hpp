// What every bound shares: +infinity for "nothing is claimed", the gamma_k of chained
// roundings, the softmax leak of proofs/read.md, Lemma 1, and double arithmetic rounded
// upwards.
//
// Conventions (all of bounds/): inputs that should be +-1 (or 0/1 for a flag) are within
// `delta` of their ideal value; exact-arithmetic bounds take no rounding into account,
// and `rounding_*` add the floating-point part for a unit roundoff u (0 for exact runs).
// A bound is +infinity when its hypotheses fail (then nothing is claimed).
//
// Rigour (issue 10): every function here returns a double that is >= the exact real
// value of its note's formula at the given (double) arguments. Formulas with exp are
// evaluated on outward-rounded intervals (bounds/detail/interval.hpp) and their upper end
// is returned; sums and products of doubles use add_up / mul_up below. Callers that
// combine bounds must combine them with add_up / mul_up too.
#pragma once
#include <cmath>
#include <limits>

namespace loopcert::bounds {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The smallest double >= a + b, a * b, a / b, and the largest double <= a - b (finite,
// non-NaN arguments; IEEE binary64 with round to nearest, which -ffp-contract=off keeps
// for every + - * /). Why this is sound: the error of a rounded + is computed exactly by
// TwoSum (Knuth), that of * and / exactly by one fma, so one step of nextafter is taken
// exactly when the rounded result is below the exact one. Below 2^-960 (where fma's
// residual could underflow) a step is always taken, which is >= as well.
double add_up(double a, double b);
double sub_down(double a, double b);
double mul_up(double a, double b);
double div_up(double a, double b);

// gamma_k = k u / (1 - k u): the classic bound on k chained roundings (Higham, 3.4),
// rounded up; +infinity when k u >= 1.
double gamma(double k, double u);

// Softmax leak (proofs/read.md, Lemma 1): total weight on the columns other than the
// maximisers when the maximisers' scores exceed every other score by at least `gap`
// and there are `others` other columns. 1 if gap <= 0.
double softmax_leak(int others, double lambda, double gap);

}  // namespace loopcert::bounds
