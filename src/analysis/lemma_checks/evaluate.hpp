// Runs a lemma check's Case at scalar T (the one template of the lemma checks; explicitly
// instantiated per scalar family in analysis/lemma_checks_<family>.cpp).
#pragma once
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/lemma_checks/lemma_check.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis::lemma_checks {

template <class T>
LemmaTrial evaluate(const Case& c, AttentionMode mode);

namespace detail {

// |got - ideal|; a non-finite output counts as an infinite error (never dropped by max).
template <class T>
double error(const T& got, const T& ideal) {
  const double e = std::abs(ScalarTraits<T>::to_double(T(got - ideal)));
  return std::isnan(e) ? INFINITY : e;
}

template <class T>
Matrix<T> apply(const LayerSpec& spec, const Matrix<T>& X, AttentionMode mode, int rows) {
  LoopedTransformer<T> tf = instantiate<T>(LoopSpec{rows, {spec}}, mode);
  Matrix<T> Y = X;
  tf.apply_layer(0, Y);
  return Y;
}

inline LayerSpec attention_only(const LayerSpec& spec) {
  LayerSpec a(spec.name + " (attention)", spec.d);
  a.lambda = spec.lambda;
  a.heads = spec.heads;
  return a;
}

}  // namespace detail

template <class T>
LemmaTrial evaluate(const Case& c, AttentionMode mode) {
  const Matrix<T> X = to_scalar<T>(c.X);
  const bool need_attention = std::any_of(c.checks.begin(), c.checks.end(), [](const Check& k) { return k.attention_only; });
  const Matrix<T> F = detail::apply<T>(c.layer, X, mode, c.rows);
  const Matrix<T> A = need_attention ? detail::apply<T>(detail::attention_only(c.layer), X, mode, c.rows) : Matrix<T>();
  LemmaTrial t;
  t.n = c.n, t.L = c.L, t.N = c.N, t.lambda = c.lambda, t.delta = c.delta;
  t.bound_function = c.bound_function;
  t.detail = c.detail;
  bool reported = false;
  for (std::size_t i = 0; i < c.checks.size(); ++i) {
    const Check& k = c.checks[i];
    const Matrix<T>& Y = k.attention_only ? A : F;
    double worst = 0;
    for (const Expected& e : k.entries) {
      const T ideal = e.unchanged ? X(e.row, e.column) : ScalarTraits<T>::from_rational(e.value);
      worst = std::max(worst, detail::error(Y(e.row, e.column), ideal));
    }
    const bool holds = worst <= k.bound;
    t.holds = t.holds && holds;
    // The headline check, unless a later one is violated (then that one).
    if (i == 0 || (!holds && !reported)) {
      t.observed = worst, t.bound = k.bound, t.exact_part = k.exact_part;
      t.checked = k.what;
      reported = !holds;
    }
    t.detail += fmt::format("{}{} {:.3g} (bound {:.3g})", t.detail.empty() ? "" : "; ", k.what, worst, k.bound);
  }
  return t;
}

}  // namespace loopcert::analysis::lemma_checks
