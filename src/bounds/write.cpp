#include "bounds/write.hpp"

#include "bounds/detail/lemma_intervals.hpp"

namespace loopcert::bounds {

double write_hit_deviation(int n, int L, double lambda, double delta) {
  return detail::write_hit_deviation(n, L, detail::Interval(lambda), delta).upper();
}
bool write_gate_closes(int L, double lambda, double delta, double C) {
  return detail::write_gate_closes(L, detail::Interval(lambda), delta, C);
}
double write_output(int n, int L, double lambda, double delta, double C) {
  return detail::write_output(n, L, detail::Interval(lambda), delta, C).upper();
}

double write_hit_deviation_tight(int n, int L, double lambda, double delta) {
  return detail::write_hit_deviation_tight(n, L, detail::Interval(lambda), delta).upper();
}
double write_output_tight(int n, int L, double lambda, double delta, double C) { return write_output_tight(n, L, lambda, delta, delta, delta, C); }
double write_output_tight(int n, int L, double lambda, double pointer, double source, double memory, double C) {
  return detail::write_output_tight(n, L, detail::Interval(lambda), {pointer, source, memory}, C).upper();
}

}  // namespace loopcert::bounds
