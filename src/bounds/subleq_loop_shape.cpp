#include "bounds/subleq_loop_shape.hpp"

#include <algorithm>
#include <bit>

#include "bounds/detail/lemma_intervals.hpp"

namespace loopcert::bounds {

namespace {

// Counts in order of decreasing term e^(-lambda a nu) (nu = 1..L, the scratch term at
// nu = L / 2): cumulative sums. A dominates B for every lambda when each cumulative count of
// A is at least B's (Abel summation: the terms are decreasing and positive).
std::vector<double> cumulative(const NeighbourCounts& c) {
  std::vector<std::pair<double, double>> terms;  // (exponent nu, count)
  for (std::size_t k = 0; k < c.at_distance.size(); ++k) terms.push_back({static_cast<double>(k + 1), c.at_distance[k]});
  terms.push_back({c.at_distance.size() / 2.0, c.scratch});
  std::stable_sort(terms.begin(), terms.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<double> out;
  double sum = 0;
  for (const auto& [nu, count] : terms) out.push_back(sum += count);
  return out;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] < b[k]) return false;
  return true;
}

// The addressed columns' counts with the dominated ones (and duplicates) dropped.
std::vector<NeighbourCounts> undominated(const std::vector<NeighbourCounts>& all) {
  std::vector<NeighbourCounts> kept;
  std::vector<std::vector<double>> kept_cumulative;
  for (const auto& c : all) {
    const auto cc = cumulative(c);
    if (std::any_of(kept_cumulative.begin(), kept_cumulative.end(), [&](const auto& k) { return dominates(k, cc); })) continue;
    for (std::size_t i = kept.size(); i-- > 0;)
      if (dominates(cc, kept_cumulative[i])) kept.erase(kept.begin() + i), kept_cumulative.erase(kept_cumulative.begin() + i);
    kept.push_back(c);
    kept_cumulative.push_back(cc);
  }
  return kept;
}

NeighbourCounts counts_at(const Layout& layout, int target, double scratch) {
  const int L = layout.address_bits();
  NeighbourCounts c;
  c.at_distance.assign(L, 0);
  c.scratch = scratch;
  for (int j = layout.scratch().end; j < layout.columns(); ++j)
    if (j != target) ++c.at_distance[std::popcount(static_cast<unsigned>(j ^ target)) - 1];
  return c;
}

}  // namespace

LoopShape generic_shape(int n, int L) { return LoopShape{n, L, false, {}, {}}; }

LoopShape loop_shape(const Layout& layout) {
  LoopShape s{layout.columns(), layout.address_bits(), true, {}, {}};
  const double scratch = layout.scratch().size();
  std::vector<NeighbourCounts> reads, writes;
  for (int t = layout.memory().begin; t < layout.columns(); ++t) {
    reads.push_back(counts_at(layout, t, scratch));                                            // the work column reads
    if (layout.memory().contains(t)) writes.push_back(counts_at(layout, t, scratch - 1));      // the work column is tied
  }
  s.read_targets = undominated(reads);
  s.write_targets = undominated(writes);
  return s;
}

double loop_read_error(const LoopShape& shape, double lambda) {
  return detail::read_attention_tight(shape, detail::Interval(lambda), 0, 0).upper();
}
double loop_write_error(const LoopShape& shape, double lambda, double C) {
  return detail::write_output_tight(shape, detail::Interval(lambda), detail::WriteNoise{}, C).upper();
}

}  // namespace loopcert::bounds
