// Error bounds of the lemmas, one function each, as proved in proofs/<lemma>.md.
// Properties, `loopcert verify` and the default temperature all call these; no test
// compares against a literal.
//
// Conventions: inputs that should be +-1 (or 0/1 for a flag) are within `delta` of
// their ideal value; exact-arithmetic bounds take no rounding into account, and
// `rounding_*` add the floating-point part for a unit roundoff u (0 for exact runs).
// A bound is +infinity when its hypotheses fail (then nothing is claimed).
#pragma once
#include <cmath>
#include <limits>

#include "blocks/detail/params.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"
#include "tf/layer_spec.hpp"

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

// write: error of the written cell, for pointer / source / memory entries within delta,
// gate constant C. Other cells are unchanged exactly when write_gate_closes holds.
// (proofs/write.md)
inline double write_hit_deviation(int n, int L, double lambda, double delta) {
  const double rho = std::exp(lambda * L * delta);
  const double gap = 2 - L * delta;
  if (gap <= 0) return kInfinity;
  return (rho - 1) / (2 * (1 + rho)) + softmax_leak(n - 2, lambda, gap);
}
inline bool write_gate_closes(int L, double lambda, double delta, double C) {
  const double gap = 2 - L * delta;
  if (gap <= 0) return false;
  const double kappa = std::exp(-lambda * gap);
  return C * (1 - 2 * kappa) >= (1 + delta) * (1 + 2 * kappa);
}
inline double write_output(int n, int L, double lambda, double delta, double C) {
  if (!write_gate_closes(L, lambda, delta, C)) return kInfinity;
  const double eta = write_hit_deviation(n, L, lambda, delta);
  return 2 * eta * (1 + C) + (1 + 2 * eta) * delta;
}

// increment: pc bits within delta -> next bits within 2^L delta. (proofs/increment.md)
inline double increment_output(int L, double delta) {
  return std::ldexp(delta, L - 1) < 1 ? std::ldexp(delta, L) : kInfinity;
}

// subtract: operand bits within delta -> result bits within 2^(N+1) delta: the N term
// the paper's read bound lacks. (proofs/subtract.md)
inline double subtract_output(int N, double delta) {
  return std::ldexp(delta, N) < 1 ? std::ldexp(delta, N + 1) : kInfinity;
}

// flag: bits within delta -> flag within N delta. (proofs/flag.md)
inline double flag_output(int N, double delta) { return N * delta < 1 ? N * delta : kInfinity; }

// branch: pointers within delta, flag within delta_flag -> pc within delta + 2 delta_flag.
// (proofs/branch.md)
inline double branch_output(double delta, double delta_flag) {
  return delta + 2 * delta_flag < 1 ? delta + 2 * delta_flag : kInfinity;
}

// correct: entries within e of -1, 0 or 1 come out exact. (proofs/correct.md)
inline double correct_output(double delta, double e) { return delta <= e ? 0 : kInfinity; }

// The constants of the weights that the loop bound needs, as doubles.
struct LoopConstants {
  double snap = 0.5;        // read's snap threshold e_s
  double threshold = 0.25;  // correct's threshold e
  double write_gate = 2;    // C_w
  static LoopConstants from(const blocks::BlockParams& p) {
    return {to_double(p.snap), to_double(p.threshold), to_double(p.write_gate)};
  }
};

// One loop of the SUBLEQ transformer (proofs/subleq_loop.md): from an exact state (as
// `correct` leaves it), the loop is exact when the copied entries stay within the snap
// threshold and the written cell within the correction threshold; then no error is
// carried into the next loop, for any number of loops.
inline double loop_read_error(int n, int L, double lambda) { return read_attention(n, L, lambda, 0); }
inline double loop_write_error(int n, int L, double lambda, double C) { return write_output(n, L, lambda, 0, C); }
inline bool loop_is_exact(int n, int L, double lambda, const LoopConstants& k, double margin = 1) {
  return loop_read_error(n, L, lambda) <= k.snap * margin && loop_write_error(n, L, lambda, k.write_gate) <= k.threshold * margin;
}

// Floating-point part of one attention output entry (a copied bit, or the write's hit
// and buffer), unit roundoff u, values of magnitude <= 1 + delta (proofs/read.md,
// "Rounding", case B): the computed exponents are off by at most
// Xi = lambda L (1 + delta) gamma_(L+2), a relative error e^Xi - 1 in each weight, and
// the weights' own roundings (exp counted twice: it is only faithful) and the sum of n
// terms add gamma_(n+3) and gamma_n:
//   |fl(D) - D| <= (1 + delta) [(1 + gamma_n)(1 + gamma_(n+3)) e^(2 Xi) - 1].
inline double rounding_attention(int n, int L, double lambda, double u, double delta) {
  if (u == 0) return 0;
  const double xi = lambda * L * (1 + delta) * gamma(L + 2, u);
  return (1 + delta) * ((1 + gamma(n, u)) * (1 + gamma(n + 3, u)) * std::exp(2 * xi) - 1);
}

// Floating-point part of a ReLU sublayer, derived from its own weights (proofs/README.md,
// "Rounding"): with inputs of magnitude <= M, hidden unit k computes b1 + sum of J_k
// products, so |fl(h_k) - h_k| <= gamma_(J_k + 2) H_k with H_k = |b1_k| + sum |w1| M;
// output row r adds K_r products to x (and b2), so its error is at most
// gamma_(K_r + 3) (M + |b2_r| + sum |w2| H) + sum |w2| gamma_(J + 2) H. The maximum over rows.
double ffn_rounding(const LayerSpec& layer, double u, double M);

// Unit roundoff of a scalar type: 2^-p for p significand bits; 0 for exact.
double unit_roundoff(const ScalarSpec& scalar);

// The smallest lambda on a grid of `step` for which the loop bound holds with margin
// `margin` (errors at most e * margin). The CLI's default temperature.
inline double default_lambda(int n, int L, const LoopConstants& k, double margin = 0.5, double step = 0.5) {
  for (double lambda = step; lambda <= 200; lambda += step)
    if (loop_is_exact(n, L, lambda, k, margin)) return lambda;
  return kInfinity;
}

}  // namespace loopcert::bounds

// The sigmoid lemma's bounds (staircase a-priori bound, rounding) live beside their
// construction, in analysis/sigmoid_bound.hpp (bounds::sigmoid_staircase and
// bounds::sigmoid_rounding), and the precision prediction in analysis/precision_bound.hpp.
