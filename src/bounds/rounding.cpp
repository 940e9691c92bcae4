#include "bounds/rounding.hpp"

#include <map>

#include "core/scalar_facts.hpp"
#include <vector>

namespace loopcert::bounds {

double ffn_rounding(const LayerSpec& layer, double u, double M) {
  if (u == 0) return 0;
  const auto& f = layer.ffn;
  std::vector<double> H(f.hidden, 0), err(f.hidden, 0);
  std::vector<int> J(f.hidden, 0);
  for (int k = 0; k < f.hidden; ++k) H[k] = std::abs(to_double(f.b1[k]));
  for (const auto& e : f.w1.entries) {
    H[e.row] += std::abs(to_double(e.value)) * M;
    ++J[e.row];
  }
  for (int k = 0; k < f.hidden; ++k) err[k] = gamma(J[k] + 2, u) * H[k];
  std::map<int, double> magnitude, propagated, bias;
  std::map<int, int> K;
  for (const auto& e : f.w2.entries) {
    const double w = std::abs(to_double(e.value));
    magnitude[e.row] += w * H[e.col];
    propagated[e.row] += w * err[e.col];
    ++K[e.row];
  }
  for (const auto& [row, b] : f.b2) bias[row] += std::abs(to_double(b));
  double worst = 0;
  for (const auto& [row, mag] : magnitude)
    worst = std::max(worst, gamma(K[row] + 3, u) * (M + bias[row] + mag) + propagated[row]);
  return worst;
}

double unit_roundoff(const ScalarSpec& s) { return scalar_facts(s).unit_roundoff; }

}  // namespace loopcert::bounds
