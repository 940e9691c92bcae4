#include "bounds/rounding.hpp"

#include <mpfr.h>

#include <map>
#include <vector>

#include "bounds/detail/lemma_intervals.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::bounds {

double abs_up(const Rational& q) {
  mpfr_t x;
  mpfr_init2(x, 53);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDA);
  const double d = std::abs(mpfr_get_d(x, MPFR_RNDA));
  mpfr_clear(x);
  return d;
}

ExpModel exp_model(const ScalarSpec& s) {
  const ScalarFacts& f = scalar_facts(s);
  switch (s.kind) {
    case ScalarKind::Exact: return {0, false, 0};
    case ScalarKind::Mpfr: return {1, false, 0};  // correctly rounded; no underflow in MPFR's range
    case ScalarKind::Float: return {4, true, -126};
    case ScalarKind::Double: return {6, true, -1022};
    case ScalarKind::LongDouble:
    case ScalarKind::Float128: return {2, true, -16382};
    default: return {2, true, f.emin};  // emulated: double exp (<= 3 ulp of double) rounded once to the format
  }
}

ExpModel exp_model_for_unit_roundoff(double u) {
  if (u == 0) return {0, false, 0};
  if (u >= 0x1p-53) return {6, true, -126};
  return {2, true, -16382};
}

double rounding_attention(int n, int L, double lambda, double u, double delta, const ExpModel& exp) {
  if (u == 0) return 0;
  const detail::Interval eta = exp.has_absolute ? detail::Interval::pow2(exp.absolute_log2) : detail::Interval(0);
  return detail::rounding_attention(n, L, detail::Interval(lambda), u, delta, exp.units, eta).upper();
}

double rounding_attention(int n, int L, double lambda, double u, double delta) {
  return rounding_attention(n, L, lambda, u, delta, exp_model_for_unit_roundoff(u));
}

namespace {
// Each output row's rounding bound (the lemma of proofs/README.md, "Rounding of a ReLU sublayer").
std::map<int, double> ffn_rounding_rows(const LayerSpec& layer, double u, double M) {
  std::map<int, double> rows;
  if (u == 0) return rows;
  const auto& f = layer.ffn;
  std::vector<double> H(f.hidden, 0), err(f.hidden, 0);
  std::vector<int> J(f.hidden, 0);
  for (int k = 0; k < f.hidden; ++k) H[k] = abs_up(f.b1[k]);
  for (const auto& e : f.w1.entries) {
    H[e.row] = add_up(H[e.row], mul_up(abs_up(e.value), M));
    ++J[e.row];
  }
  for (int k = 0; k < f.hidden; ++k) err[k] = mul_up(gamma(J[k] + 2, u), H[k]);
  std::map<int, double> magnitude, propagated, bias;
  std::map<int, int> K;
  for (const auto& e : f.w2.entries) {
    const double w = abs_up(e.value);
    magnitude[e.row] = add_up(magnitude[e.row], mul_up(w, H[e.col]));
    propagated[e.row] = add_up(propagated[e.row], mul_up(w, err[e.col]));
    ++K[e.row];
  }
  for (const auto& [row, b] : f.b2) bias[row] = add_up(bias[row], abs_up(b));
  for (const auto& [row, mag] : magnitude) {
    const double g = gamma(K[row] + 3, u);
    rows[row] = add_up(mul_up(g, add_up(add_up(M, bias[row]), mag)), mul_up(add_up(1, g), propagated[row]));
  }
  return rows;
}
}  // namespace

double ffn_rounding(const LayerSpec& layer, double u, double M) {
  double worst = 0;
  for (const auto& [row, e] : ffn_rounding_rows(layer, u, M)) worst = std::max(worst, e);
  return worst;
}

double ffn_rounding(const LayerSpec& layer, double u, double M, const std::vector<int>& rows) {
  const auto all = ffn_rounding_rows(layer, u, M);
  double worst = 0;
  for (int r : rows)
    if (const auto it = all.find(r); it != all.end()) worst = std::max(worst, it->second);
  return worst;
}

double ffn_rounding_total(const LayerSpec& layer, double u, double M) {
  double total = 0;
  for (const auto& [row, e] : ffn_rounding_rows(layer, u, M)) total = add_up(total, e);
  return total;
}

double unit_roundoff(const ScalarSpec& s) { return scalar_facts(s).unit_roundoff; }

}  // namespace loopcert::bounds
