// The SUBLEQ loop theorem (proofs/subleq_loop.md) and the default temperature, built on
// the seven lemma bounds (bounds/<stem>.hpp). Properties, `loopcert verify` and the
// default temperature all call these; no test compares against a literal.
#pragma once
#include "bounds/branch.hpp"
#include "bounds/common.hpp"
#include "bounds/correct.hpp"
#include "bounds/flag.hpp"
#include "bounds/increment.hpp"
#include "bounds/read.hpp"
#include "bounds/rounding.hpp"
#include "bounds/subleq_loop_shape.hpp"
#include "bounds/subtract.hpp"
#include "bounds/write.hpp"

namespace loopcert::bounds {

// The constants of the weights that the loop bound needs, as doubles
// (compile::loop_constants reads them off the construction's parameters).
struct LoopConstants {
  double snap = 0.5;        // read's snap threshold e_s
  double threshold = 0.25;  // correct's threshold e
  double write_gate = 2;    // C_w
};

// One loop of the SUBLEQ transformer: from an exact state (as `correct` leaves it), the
// loop is exact when the copied entries stay within the snap threshold and the written
// cell within the correction threshold; then no error is carried into the next loop,
// for any number of loops. The errors are the tight ones (read.md Lemma 2', write.md
// Lemma 2: leaks counted by Hamming distance, the write's hit weight computed exactly);
// at the smallest lambda that satisfies them the write's condition is the one that binds.
// On a shape (bounds/subleq_loop_shape.hpp): the compiled layout's own codes, or every
// layout of n columns (the (n, L) forms, generic_shape).
inline bool loop_is_exact(const LoopShape& shape, double lambda, const LoopConstants& k, double margin = 1) {
  return loop_read_error(shape, lambda) <= k.snap * margin && loop_write_error(shape, lambda, k.write_gate) <= k.threshold * margin;
}
inline double loop_read_error(int n, int L, double lambda) { return loop_read_error(generic_shape(n, L), lambda); }
inline double loop_write_error(int n, int L, double lambda, double C) { return loop_write_error(generic_shape(n, L), lambda, C); }
inline bool loop_is_exact(int n, int L, double lambda, const LoopConstants& k, double margin = 1) {
  return loop_is_exact(generic_shape(n, L), lambda, k, margin);
}

// The smallest lambda on a grid of `step` for which the loop bound holds with margin
// `margin` (errors at most e * margin). The default temperature (on the compiled
// layout's shape: compile::default_lambda).
inline double default_lambda(const LoopShape& shape, const LoopConstants& k, double margin = 0.5, double step = 0.5) {
  for (double lambda = step; lambda <= 200; lambda += step)
    if (loop_is_exact(shape, lambda, k, margin)) return lambda;
  return kInfinity;
}
inline double default_lambda(int n, int L, const LoopConstants& k, double margin = 0.5, double step = 0.5) {
  return default_lambda(generic_shape(n, L), k, margin, step);
}

}  // namespace loopcert::bounds
