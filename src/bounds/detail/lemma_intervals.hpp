// The bound formulas of the lemma notes on intervals (private to bounds/): the public
// double functions (read.hpp, write.hpp, rounding.hpp, common.hpp) return the upper end
// of these; precision.cpp calls them directly with lambda as an interval (the format's
// rounded lambda is only known to lie in an interval, proofs/precision.md).
// Cancelling differences are written in expm1 / log1p form so the result is narrow.
#pragma once
#include "bounds/detail/interval.hpp"

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

// The leak counted by Hamming distance (read.md, Lemma 2'; write.md, "Tight leak"):
// R = e^(lambda b) [((1 + e^(-lambda a))^L - 1) + m e^(-lambda (L a / 2 - b))]: at most C(L, nu)
// code columns at distance nu, each a nu - b below, and m code-less (scratch) columns
// L a / 2 - b below; r / (1 + r). [1, 1] unless a > b (every gap positive).
Interval leak_by_distance(int L, int m, const Interval& lambda, const Interval& a, const Interval& b);
// Lemma 2' of read.md: delta + leak_by_distance(L, n - 1, a = 2 (1 - delta), b = 0) (2 + 2 delta).
Interval read_attention_tight(int n, int L, const Interval& lambda, double delta);
// write.md, "Tight leak": the write's eta with leak_by_distance(L, n - 2, a = 2, b = L delta).
Interval write_hit_deviation_tight(int n, int L, const Interval& lambda, double delta);
Interval write_output_tight(int n, int L, const Interval& lambda, double delta, double C);

// gamma_k on intervals (k u / (1 - k u)); [0, +inf] if k u may be >= 1.
Interval gamma(double k, double u);

}  // namespace loopcert::bounds::detail
