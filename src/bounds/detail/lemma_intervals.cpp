#include "bounds/detail/lemma_intervals.hpp"

#include <algorithm>
#include <vector>

namespace loopcert::bounds::detail {

Interval gamma(double k, double u) {
  const Interval ku = Interval(k) * Interval(u);
  if (!ku.below(Interval(1))) return Interval::everything_positive();
  return ku / (Interval(1) - ku);
}

Interval leak(int others, const Interval& lambda, const Interval& gap) {
  if (!gap.positive()) return Interval(1);
  const Interval r = Interval(others) * exp(-(lambda * gap));
  return r / (Interval(1) + r);
}

Interval read_attention(int n, int L, const Interval& lambda, double delta) {
  const Interval d(delta);
  const Interval gap = Interval(2) - Interval(2 * L) * d;
  if (!gap.positive()) return Interval::everything_positive();
  return d + leak(n - 1, lambda, gap) * (Interval(2) + Interval(2) * d);
}

Interval write_hit_deviation(int n, int L, const Interval& lambda, double delta) {
  const Interval gap = Interval(2) - Interval(L) * Interval(delta);
  if (!gap.positive()) return Interval::everything_positive();
  const Interval m = expm1(lambda * Interval(L) * Interval(delta));  // rho - 1
  return m / (Interval(2) * (Interval(2) + m)) + leak(n - 2, lambda, gap);
}

bool write_gate_closes(int L, const Interval& lambda, double delta, double C) {
  const Interval gap = Interval(2) - Interval(L) * Interval(delta);
  if (!gap.positive()) return false;
  const Interval two_kappa = Interval(2) * exp(-(lambda * gap));
  return ((Interval(1) + Interval(delta)) * (Interval(1) + two_kappa)).at_most(Interval(C) * (Interval(1) - two_kappa));
}

Interval write_output(int n, int L, const Interval& lambda, double delta, double C) {
  if (!write_gate_closes(L, lambda, delta, C)) return Interval::everything_positive();
  const Interval eta = write_hit_deviation(n, L, lambda, delta);
  return Interval(2) * eta * (Interval(1) + Interval(C)) + (Interval(1) + Interval(2) * eta) * Interval(delta);
}

Interval distance_sum(int L, int others, const Interval& lambda, const Interval& a) {
  if (!a.positive()) return Interval::everything_positive();
  Interval sum(0);
  double left = others, shell = 1;  // C(L, nu), exact in double for every L a layout has (L <= 40)
  for (int nu = 1; 2 * nu < L && left > 0; ++nu) {
    shell = shell * (L - nu + 1) / nu;
    const double count = std::min(shell, left);
    sum = sum + Interval(count) * exp(-(lambda * a * Interval(nu)));
    left -= count;
  }
  if (left > 0) sum = sum + Interval(left) * exp(-(lambda * a * Interval(L) / Interval(2)));
  return sum;
}

Interval leak_sum(const LoopShape& shape, bool write, const Interval& lambda, const Interval& a) {
  if (!shape.from_layout) return distance_sum(shape.L, shape.n - (write ? 2 : 1), lambda, a);
  if (!a.positive()) return Interval::everything_positive();
  std::vector<Interval> term;  // e^(-lambda a nu), nu = 1..L, then the scratch term
  for (int nu = 1; nu <= shape.L; ++nu) term.push_back(exp(-(lambda * a * Interval(nu))));
  const Interval scratch_term = exp(-(lambda * a * Interval(shape.L) / Interval(2)));
  const auto& targets = write ? shape.write_targets : shape.read_targets;
  // The largest of the sums lies in [largest lower end, largest upper end] (each sum's
  // interval holds it); not the hull, whose low end would widen Q / (1 + Q).
  double lo = 0, hi = 0;
  for (const auto& t : targets) {
    Interval sum = Interval(t.scratch) * scratch_term;
    for (int nu = 1; nu <= shape.L; ++nu) sum = sum + Interval(t.at_distance[nu - 1]) * term[nu - 1];
    lo = std::max(lo, sum.lower()), hi = std::max(hi, sum.upper());
  }
  return Interval(lo, hi);
}

Interval read_attention_tight(const LoopShape& shape, const Interval& lambda, double pointer, double source) {
  const Interval p(pointer);
  if (!p.below(Interval(1))) return Interval::everything_positive();
  const Interval q = leak_sum(shape, false, lambda, Interval(2) * (Interval(1) - p));
  return Interval(source) + Interval(2) * q / (Interval(1) + q);
}
Interval read_attention_tight(int n, int L, const Interval& lambda, double pointer, double source) {
  return read_attention_tight(generic_shape(n, L), lambda, pointer, source);
}

Interval write_hit_deviation_tight(const LoopShape& shape, const Interval& lambda, double pointer) {
  const Interval b = Interval(shape.L) * Interval(pointer);
  if (!b.below(Interval(2))) return Interval::everything_positive();
  const Interval m = expm1(lambda * b + log1p(leak_sum(shape, true, lambda, Interval(2))));  // rho (1 + Q) - 1
  return m / (Interval(2) * (Interval(2) + m));
}
Interval write_hit_deviation_tight(int n, int L, const Interval& lambda, double pointer) {
  return write_hit_deviation_tight(generic_shape(n, L), lambda, pointer);
}

bool write_gate_closes_tight(const LoopShape& shape, const Interval& lambda, const WriteNoise& noise, double C) {
  const Interval gap = Interval(2) - Interval(shape.L) * Interval(noise.pointer);
  if (!gap.positive()) return false;
  const Interval two_kappa = Interval(2) * exp(-(lambda * gap)), c(C), n(shape.n);
  const Interval source = Interval(1) + Interval(noise.source), memory = Interval(1) + Interval(noise.memory);
  const bool code_columns = (two_kappa * source + memory).at_most(c * (Interval(1) - two_kappa));
  const bool scratch_columns = (Interval(2) * source / n + memory).at_most(Interval(3) * c - Interval(2) * c / n);
  return code_columns && scratch_columns;
}
bool write_gate_closes_tight(int n, int L, const Interval& lambda, const WriteNoise& noise, double C) {
  return write_gate_closes_tight(generic_shape(n, L), lambda, noise, C);
}

Interval write_output_tight(const LoopShape& shape, const Interval& lambda, const WriteNoise& noise, double C) {
  if (!write_gate_closes_tight(shape, lambda, noise, C)) return Interval::everything_positive();
  const Interval eta = write_hit_deviation_tight(shape, lambda, noise.pointer);
  return Interval(2) * eta * (Interval(1) + Interval(C)) + (Interval(1) + Interval(2) * eta) * Interval(noise.source);
}
Interval write_output_tight(int n, int L, const Interval& lambda, const WriteNoise& noise, double C) {
  return write_output_tight(generic_shape(n, L), lambda, noise, C);
}

Interval rounding_attention(int n, int L, const Interval& lambda, double u, double delta, double exp_units,
                            const Interval& exp_absolute) {
  if (u == 0) return Interval(0);
  const Interval g_sum = gamma(n, u), g_weights = gamma(n + 2 * exp_units, u), g_score = gamma(L + 2, u);
  const Interval one_delta = Interval(1) + Interval(delta);
  const Interval xi = lambda * Interval(L) * one_delta * g_score;
  const Interval relative = expm1(log1p(g_sum) + log1p(g_weights) + Interval(2) * xi);
  if (!exp_absolute.positive()) return one_delta * relative;  // no absolute term
  // The absolute exp error (underflow, Eigen's tiny constants) costs at most 8 n eta
  // while the relative part is <= 1/4 and n eta <= 1/8 (proofs/read.md, "Rounding").
  const Interval n_eta = Interval(n) * exp_absolute;
  if (!g_weights.at_most(Interval(0.25)) || !relative.at_most(Interval(0.25)) || !n_eta.at_most(Interval(0.125)))
    return Interval::everything_positive();
  return one_delta * (relative + Interval(8) * n_eta);
}

}  // namespace loopcert::bounds::detail
