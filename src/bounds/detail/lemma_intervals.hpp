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

// gamma_k on intervals (k u / (1 - k u)); [0, +inf] if k u may be >= 1.
Interval gamma(double k, double u);

}  // namespace loopcert::bounds::detail
