// The bound formulas of the lemma notes on intervals (private to bounds/): the public
// double functions (read.hpp, write.hpp, rounding.hpp, common.hpp) return the upper end
// of these; precision.cpp calls them directly with lambda as an interval (the format's
// rounded lambda is only known to lie in an interval, proofs/precision.md).
// Cancelling differences are written in expm1 / log1p form so the result is narrow.
#pragma once
#include "bounds/detail/interval.hpp"
#include "bounds/subleq_loop_shape.hpp"

namespace loopcert::bounds::detail {

// Softmax leak r / (1 + r), r = others * e^(-lambda gap) (read.md, Lemma 1); [1, 1] if
// the gap may be <= 0.
Interval leak(int others, const Interval& lambda, const Interval& gap);

// read.md, Lemma 2; [0, +inf] when the hypothesis L delta < 1 may fail.
Interval read_attention(int n, int L, const Interval& lambda, double delta);

// write.md, Statement: (rho - 1) / (2 (1 + rho)) = expm1(x) / (2 (2 + expm1(x))),
// x = lambda L delta (the form that does not cancel for tiny x), plus the leak.
Interval write_hit_deviation(int n, int L, const Interval& lambda, double delta);
bool write_gate_closes(int L, const Interval& lambda, double delta, double C);  // certainly closes
Interval write_output(int n, int L, const Interval& lambda, double delta, double C);

// read.md, "Rounding": (1 + delta) [(1 + g_n)(1 + g_(n + 2c)) e^(2 Xi) - 1] + (1 + delta) 8 n eta,
// with the relative part as expm1(log1p(g_n) + log1p(g_(n+2c)) + 2 Xi); c = exp_units,
// eta = exp_absolute (proofs/read.md: the exp model).
Interval rounding_attention(int n, int L, const Interval& lambda, double u, double delta, double exp_units,
                            const Interval& exp_absolute);

// The leak counted by Hamming distance (read.md, Lemma 2'; write.md, Lemma 2): an upper
// bound on Q = sum over the `others` non-target columns of e^(-lambda (z_t - z_i)) when a
// code column at Hamming distance nu from the target is at least a nu below it (at most
// C(L, nu) such columns: codes are distinct) and a code-less (scratch) column L a / 2
// below (any number of them). The largest sum of `others` such terms takes the shells
// nu = 1, 2, ... in order while nu < L / 2 and fills the rest with scratch terms (which are
// at least as large as every farther shell): that greedy sum is returned, exactly the
// maximum over all layouts of n columns. [0, +inf] unless a > 0.
Interval distance_sum(int L, int others, const Interval& lambda, const Interval& a);
// read.md, Lemma 2': source + 2 Q / (1 + Q), Q = distance_sum(L, n - 1, a = 2 (1 - pointer)),
// for a pointer within `pointer` of its code and sources within `source` of their bits;
// [0, +inf] unless pointer < 1.
Interval read_attention_tight(int n, int L, const Interval& lambda, double pointer, double source);
// write.md, Lemma 2: eta = (1/2) tanh((lambda L pointer + log1p Q) / 2) = m / (2 (2 + m)),
// m = expm1(lambda L pointer + log1p Q), Q = distance_sum(L, n - 2, a = 2): the exact
// largest |h - 1/2| on the addressed column; only the pointer's noise enters.
// [0, +inf] unless L pointer < 2.
Interval write_hit_deviation_tight(int n, int L, const Interval& lambda, double pointer);
// The noise of the write's three inputs (write.md, W1-W3).
struct WriteNoise {
  double pointer = 0, source = 0, memory = 0;
};
// write.md, Lemma 2 (b): every unaddressed cell exactly unchanged when, with
// kappa = e^(-lambda (2 - L pointer)), C (1 - 2 kappa) >= 2 kappa (1 + source) + 1 + memory
// (code columns) and 3 C - 2 C / n >= 2 (1 + source) / n + 1 + memory (scratch columns).
bool write_gate_closes_tight(int n, int L, const Interval& lambda, const WriteNoise& noise, double C);
// 2 eta (1 + C) + (1 + 2 eta) source with the eta above; [0, +inf] unless the gate closes.
Interval write_output_tight(int n, int L, const Interval& lambda, const WriteNoise& noise, double C);

// The same on a loop's shape (bounds/subleq_loop_shape.hpp): the generic shape gives the
// (n, L) forms above; a layout's shape takes the largest leak over its addressed columns,
// each counted on the layout's own codes (read: n - 1 others; write: n - 2, without the
// tied work column).
Interval leak_sum(const LoopShape& shape, bool write, const Interval& lambda, const Interval& a);
Interval read_attention_tight(const LoopShape& shape, const Interval& lambda, double pointer, double source);
Interval write_hit_deviation_tight(const LoopShape& shape, const Interval& lambda, double pointer);
bool write_gate_closes_tight(const LoopShape& shape, const Interval& lambda, const WriteNoise& noise, double C);
Interval write_output_tight(const LoopShape& shape, const Interval& lambda, const WriteNoise& noise, double C);

// gamma_k on intervals (k u / (1 - k u)); [0, +inf] if k u may be >= 1.
Interval gamma(double k, double u);

}  // namespace loopcert::bounds::detail
