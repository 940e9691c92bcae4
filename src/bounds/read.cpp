#include "bounds/read.hpp"

#include "bounds/detail/lemma_intervals.hpp"

namespace loopcert::bounds {

double read_attention(int n, int L, double lambda, double delta) {
  return detail::read_attention(n, L, detail::Interval(lambda), delta).upper();
}

double read_attention_tight(int n, int L, double lambda, double delta) { return read_attention_tight(n, L, lambda, delta, delta); }
double read_attention_tight(int n, int L, double lambda, double pointer, double source) {
  return detail::read_attention_tight(n, L, detail::Interval(lambda), pointer, source).upper();
}

double read_output(int n, int L, double lambda, double delta, double e, double C_g) {
  using detail::Interval;
  const bool gate_closes = (Interval(2) - Interval(e) + Interval(delta)).at_most(Interval(C_g));
  return gate_closes && read_attention_tight(n, L, lambda, delta) <= e ? 0 : kInfinity;
}

double read_output(int n, int L, double lambda, double delta, double e) { return read_output(n, L, lambda, delta, e, kReadGate); }

}  // namespace loopcert::bounds
