#include "bounds/format_range.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "bounds/common.hpp"
#include "bounds/precision.hpp"
#include "bounds/rounding.hpp"

namespace loopcert::bounds {

FormatLimits format_limits(const ScalarFacts& facts) {
  FormatLimits f;
  f.name = facts.name;
  f.precision = facts.precision;
  f.bounded_exponent = facts.bounded_exponent;
  f.emin = facts.emin;
  f.max_finite = facts.max_finite;
  f.u = facts.unit_roundoff;
  return f;
}

namespace {

// Why `value` is not a number of the format ("" if it is).
std::string not_representable(const Rational& value, const FormatLimits& f) {
  if (f.precision <= 0 || value == 0) return "";
  const int bits = significant_bits(value);
  if (bits < 0) return fmt::format("{} is not dyadic", to_double(value));
  if (bits > f.precision) return fmt::format("{} needs {} significant bits, the format has {}", to_double(value), bits, f.precision);
  if (std::isfinite(f.max_finite) && abs(value) > Rational(f.max_finite))
    return fmt::format("|{}| > max finite {:g}", to_double(value), f.max_finite);
  if (f.bounded_exponent) {
    // The lowest set bit must be on the subnormal grid 2^(emin - p + 1).
    const BigInt num = abs(boost::multiprecision::numerator(value));
    const BigInt den = boost::multiprecision::denominator(value);
    const long low = static_cast<long>(boost::multiprecision::lsb(num)) - static_cast<long>(boost::multiprecision::msb(den));
    if (low < f.emin - f.precision + 1) return fmt::format("{:g} is below the format's grid 2^{}", to_double(value), f.emin - f.precision + 1);
  }
  return "";
}

// b^k rounded up (b >= 1; binary powering with mul_up).
double pow_up(double b, long k) {
  double r = 1;
  for (; k > 0; k >>= 1, b = mul_up(b, b))
    if (k & 1) r = mul_up(r, b);
  return r;
}
// x (1 + u)^k, rounded up: a bound on a computed value whose exact bound is x and which
// carries at most k roundings (each a factor 1 + eps, |eps| <= u; finite for every k,
// unlike 1 + gamma_k, which needs k u < 1).
double grown(double x, double k, double u) { return u == 0 ? x : mul_up(x, pow_up(add_up(1, u), static_cast<long>(k))); }

// The largest bound met so far and what it bounds (described only once, at the end).
struct Worst {
  double value = 0;
  std::string what;
  template <class Describe>
  void offer(double v, Describe&& describe) {
    if (!(v <= value)) value = v, what = describe();
  }
};

std::string log2_text(double v) { return fmt::format("2^{:.1f}", std::log2(v)); }

}  // namespace

bool representable(const Rational& value, const FormatLimits& f) { return not_representable(value, f).empty(); }

RangeCheck layer_values_range(const LayerSpec& layer, double lambda, double M, int columns, const FormatLimits& f) {
  RangeCheck r;
  if (!std::isfinite(f.max_finite) || f.precision <= 0) return r;  // unbounded exponent or exact: (R) is void
  const double u = f.u, s = std::max(columns, 1);
  Worst w;
  double attention_added = 0;
  for (const auto& head : layer.heads) {
    // |q_k| <= sum |Q_kc| M with J + 1 roundings (products, sums); likewise keys and values.
    auto rows = [&](const SparseSpec& m) {
      std::map<int, double> sum;
      std::map<int, int> count;
      for (const auto& e : m.entries) sum[e.row] = add_up(sum[e.row], mul_up(abs_up(e.value), M)), ++count[e.row];
      for (auto& [row, v] : sum) v = grown(v, count[row] + 1, u);
      return sum;
    };
    const auto q = rows(head.query), k = rows(head.key), v = rows(head.value);
    double score = 0;  // |q . k| <= sum_k |q_k| |k_k|, key_dim + 1 roundings
    for (const auto& [row, qk] : q)
      if (k.count(row)) score = add_up(score, mul_up(qk, k.at(row)));
    score = grown(score, head.key_dim + 1, u);
    for (const auto* m : {&q, &k})
      for (const auto& [row, x] : *m) w.offer(x, [&] { return fmt::format("a query/key entry of head '{}'", head.name); });
    // lambda * score (one rounding), minus the row's top (one more): at most twice it.
    const double scaled = mul_up(mul_up(lambda, score), add_up(1, u));
    w.offer(mul_up(2 * scaled, add_up(1, u)), [&] { return fmt::format("the score lambda q.k of head '{}' (and its distance to the row's top)", head.name); });
    // exps of arguments <= 0 are at most 1 (+ c u + eta <= 2); their sum over s columns:
    w.offer(grown(2 * s, s, u), [&] { return fmt::format("the softmax sum of head '{}'", head.name); });
    // The weights sum to at most (1 + u) / (1 - u)^s (the computed total is at least
    // (1 - u)^s times the exact sum of the computed exps, each weight one division); the
    // read-out adds s products.
    const double weight_sum = u == 0 ? 1 : mul_up(add_up(1, u), pow_up(div_up(1, sub_down(1, u)), static_cast<long>(s)));
    double read_out = 0;
    for (const auto& [row, x] : v) read_out = std::max(read_out, grown(mul_up(x, weight_sum), s + 1, u));
    w.offer(read_out, [&] { return fmt::format("the read-out of head '{}'", head.name); });
    attention_added = add_up(attention_added, read_out);
  }
  // The FFN's input: the residual plus every head's read-out (one addition per head).
  const double Mf = layer.heads.empty() ? M : grown(add_up(M, attention_added), static_cast<double>(layer.heads.size()), u);
  w.offer(Mf, [&] { return std::string("the attention sublayer's output"); });
  const auto& ffn = layer.ffn;
  std::vector<double> H(ffn.hidden, 0);
  std::vector<int> J(ffn.hidden, 0);
  for (int k = 0; k < ffn.hidden; ++k) H[k] = abs_up(ffn.b1[k]);
  for (const auto& e : ffn.w1.entries) H[e.row] = add_up(H[e.row], mul_up(abs_up(e.value), Mf)), ++J[e.row];
  for (int k = 0; k < ffn.hidden; ++k) {
    H[k] = grown(H[k], J[k] + 2, u);
    w.offer(H[k], [&] { return fmt::format("hidden unit {} ({} inputs)", k, J[k]); });
  }
  std::map<int, double> out;
  std::map<int, int> K;
  for (const auto& e : ffn.w2.entries) out[e.row] = add_up(out[e.row], mul_up(abs_up(e.value), H[e.col])), ++K[e.row];
  for (const auto& [row, b] : ffn.b2) out[row] = add_up(out[row], abs_up(b));
  for (auto& [row, x] : out) {
    x = grown(add_up(x, Mf), K[row] + 3, u);
    w.offer(x, [&] { return fmt::format("output row {}", row); });
  }
  r.largest = w.value;
  if (w.value <= f.max_finite) return r;
  r.holds = false;
  r.reason = fmt::format("{} overflows: {} of layer '{}' can reach {} > max finite {:g} (proofs/README.md, range hypothesis)", f.name,
                         w.what, layer.name, log2_text(w.value), f.max_finite);
  return r;
}

RangeCheck layer_range(const LayerSpec& layer, const Rational& lambda, double M, int columns, const FormatLimits& f) {
  RangeCheck r;
  auto fail = [&](const std::string& what, const std::string& why) {
    r.holds = false;
    r.reason = fmt::format("{} does not hold the weights: {} of layer '{}': {} (proofs/README.md, range hypothesis)", f.name, what,
                           layer.name, why);
    return r;
  };
  if (layer.has_attention())
    if (auto why = not_representable(lambda, f); !why.empty()) return fail("the score scale lambda", why);
  for (const auto& h : layer.heads)
    for (const auto* m : {&h.query, &h.key, &h.value})
      for (const auto& e : m->entries)
        if (auto why = not_representable(e.value, f); !why.empty()) return fail(fmt::format("a weight of head '{}'", h.name), why);
  const auto& ffn = layer.ffn;
  for (int k = 0; k < ffn.hidden; ++k)
    if (auto why = not_representable(ffn.b1[k], f); !why.empty()) return fail(fmt::format("the bias of hidden unit {}", k), why);
  for (const auto& e : ffn.w1.entries)
    if (auto why = not_representable(e.value, f); !why.empty()) return fail(fmt::format("an input weight of hidden unit {}", e.row), why);
  for (const auto& e : ffn.w2.entries)
    if (auto why = not_representable(e.value, f); !why.empty()) return fail(fmt::format("an output weight of hidden unit {}", e.col), why);
  for (const auto& [row, b] : ffn.b2)
    if (auto why = not_representable(b, f); !why.empty()) return fail(fmt::format("the output bias of row {}", row), why);
  return layer_values_range(layer, layer.has_attention() ? abs_up(lambda) : 0, M, columns, f);
}

}  // namespace loopcert::bounds
