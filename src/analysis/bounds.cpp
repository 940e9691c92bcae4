#include "analysis/bounds.hpp"

#include <map>

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

double unit_roundoff(const ScalarSpec& s) {
  switch (s.kind) {
    case ScalarKind::Float: return std::ldexp(1.0, -24);
    case ScalarKind::Double: return std::ldexp(1.0, -53);
    case ScalarKind::LongDouble: return std::ldexp(1.0, -64);
    case ScalarKind::Float128: return std::ldexp(1.0, -113);
    case ScalarKind::Mpfr:
    case ScalarKind::Mpfi: return std::ldexp(1.0, -static_cast<int>(std::min<long>(s.precision, 1000)));
    case ScalarKind::Bf16: return std::ldexp(1.0, -8);
    case ScalarKind::Fp16: return std::ldexp(1.0, -11);
    case ScalarKind::Tf32: return std::ldexp(1.0, -11);
    case ScalarKind::Fp8e4m3: return std::ldexp(1.0, -4);
    case ScalarKind::Fp8e5m2: return std::ldexp(1.0, -3);
    case ScalarKind::Exact: return 0;
  }
  return 1;
}

}  // namespace loopcert::bounds
