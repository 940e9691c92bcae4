#include "compile/fleq/format_limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "bounds/fleq_product.hpp"
#include "bounds/precision.hpp"
#include "compile/fleq/layout.hpp"

namespace loopcert::compile::fleq {

namespace {

namespace fq = isa::fleq;
using boost::multiprecision::lsb;
using boost::multiprecision::msb;

std::string number(const Rational& q) {
  const int bits = bounds::significant_bits(q);
  if (bits == 1 && q > 0) {  // a power of two: 2^c
    const long e = static_cast<long>(msb(numerator(q))) - static_cast<long>(msb(denominator(q)));
    if (e >= 8 || e <= -4) return fmt::format("2^{}", e);
  }
  return fmt::format("{:g}", to_double(q));
}

std::string max_text(const ScalarFacts& f) { return fmt::format("max finite {:g}", f.max_finite); }

// What one weight is part of, so that findings group by block: heads by name without
// their index ("fleq_exp[3,0]" -> "fleq_exp"), units by the blocks they read and write.
struct Site {
  std::string group;  // "layer 'flag': a unit writing val"
  std::string where;  // "... writing val[0]"
  bool fitted = false;
};

bool is_fitted_block(const std::string& block) {
  for (int k = 0; k < fq::kFunctionCount; ++k) {
    const auto f = static_cast<fq::Function>(k);
    if (block == function_row("fv", f) || block == function_row("gate", f) || block == "fleq_" + std::string(fq::function_name(f))) return true;
  }
  return false;
}

std::string block_of(const Layout& layout, int row) {
  const std::string d = layout.describe_row(row);
  return d.substr(0, d.find('['));
}

struct Finding {
  Site site;
  Rational value;
  Held held;
};

// Every weight and bias of the loop that the format does not hold exactly, with its site.
std::vector<Finding> weights_not_held(const CompiledFleq& c, const ScalarFacts& f) {
  std::vector<Finding> out;
  auto check = [&](const Rational& v, const Site& site) {
    const Held h = held(v, f);
    if (h.holding != Holding::exact) out.push_back({site, v, h});
  };
  for (const auto& layer : c.loop.layers) {
    const std::string in_layer = "layer '" + layer.name + "'";
    for (const auto& h : layer.heads) {
      const std::string head = h.name.substr(0, h.name.find('['));
      const Site s{in_layer + ", head '" + head + "'", in_layer + ", head '" + h.name + "'", is_fitted_block(head)};
      for (const auto* m : {&h.query, &h.key, &h.value})
        for (const auto& e : m->entries) check(e.value, {s.group, s.where + (m == &h.query ? " query" : m == &h.key ? " key" : " value"), s.fitted});
    }
    if (layer.scale == ScoreScale::RunTemperature) check(layer.lambda, {in_layer + ": the temperature", in_layer + ": the temperature", false});
    // A unit: its first output row names it; it is fitted when it reads or writes a function's rows.
    std::map<int, std::string> writes;
    std::map<int, bool> fitted;
    for (const auto& e : layer.ffn.w2.entries) {
      if (!writes.count(e.col)) writes[e.col] = c.layout.describe_row(e.row);
      fitted[e.col] = fitted[e.col] || is_fitted_block(block_of(c.layout, e.row));
    }
    for (const auto& e : layer.ffn.w1.entries) fitted[e.row] = fitted[e.row] || is_fitted_block(block_of(c.layout, e.col));
    auto unit = [&](int u) {
      const std::string w = writes.count(u) ? writes[u] : "nothing";
      return Site{in_layer + ": a unit writing " + w.substr(0, w.find('[')), in_layer + ": the unit writing " + w, fitted[u]};
    };
    for (const auto& e : layer.ffn.w1.entries) check(e.value, unit(e.row));
    for (std::size_t u = 0; u < layer.ffn.b1.size(); ++u) check(layer.ffn.b1[u], unit(static_cast<int>(u)));
    for (const auto& e : layer.ffn.w2.entries) check(e.value, unit(e.col));
    for (const auto& [row, b] : layer.ffn.b2) check(b, {in_layer + ": the bias of " + block_of(c.layout, row), in_layer + ": the bias of " + c.layout.describe_row(row), false});
  }
  return out;
}

std::string describe_finding(const Finding& w, const ScalarFacts& f, int count) {
  std::string what;
  switch (w.held.holding) {
    case Holding::overflow: what = fmt::format("{} overflows ({})", number(w.value), max_text(f)); break;
    case Holding::underflow: what = fmt::format("{} underflows to 0 (smallest normal 2^{})", number(w.value), f.emin); break;
    default:
      what = w.held.bits < 0 ? fmt::format("{} is not dyadic", to_string(w.value))
                             : fmt::format("{} needs {} significant bits, {} has {}", number(w.value), w.held.bits, f.name, f.precision);
  }
  return w.site.where + ": " + what + (count > 1 ? fmt::format(" ({} weights of this kind)", count) : "");
}

// The named constants first: the integer snap's staircase, the data bound, the products' C.
// (The snap's and the flag's exactness conditions on the partial sums are bounds, not
// weights: analysis reports them, bounds::fleq_controller_bound, and the run measures.)
void named_refusals(const fq::FleqProgram& p, const CompiledFleq& c, const ScalarFacts& f, std::vector<std::string>& out) {
  const FleqConstants& k = c.constants;
  const double G = to_double(k.data_bound);
  // blocks/fleq_int_snap.hpp: biases -M - (t - 3/4) and -M - (t - 1/4) for t = 1..K, gate M.
  int snap_bits = bounds::significant_bits(k.snap_gate);
  Rational widest = k.snap_gate;
  for (int t = 1; t <= k.int_bound; ++t)
    for (const Rational& off : {Rational(3, 4), Rational(1, 4)}) {
      const Rational b = -k.snap_gate - (Rational(t) - off);
      if (bounds::significant_bits(b) > snap_bits) snap_bits = bounds::significant_bits(b), widest = b;
    }
  if (snap_bits > f.precision || !(to_double(k.snap_gate) + k.int_bound <= f.max_finite))
    out.push_back(fmt::format("the integer snap's weights need {} significant bits (its bias {} for K = .intbound {}, gate M = {}), {} has {}", snap_bits,
                              to_string(widest), k.int_bound, to_string(k.snap_gate), f.name, f.precision));
  if (!(G <= f.max_finite)) out.push_back(fmt::format("the data bound G' = {:g} overflows ({})", G, max_text(f)));
  // The products' linear range: C must exceed the score bound S, and n C / 2 must be held.
  const bool products = std::any_of(p.instructions.begin(), p.instructions.end(),
                                    [](const fq::Instruction& in) { return in.op == fq::Op::tmatmul || in.op == fq::Op::matmul; });
  if (products) {
    const int rows = c.geometry.rows, n = c.layout.columns();
    const double S = bounds::fleq_product_score_bound(rows, to_double(p.bound), to_double(p.bound));
    const int cap = largest_product_scale_log2(n, 1, f);
    if (std::ldexp(1.0, cap) < S)
      out.push_back(fmt::format("the product constant C: its value weight n C / 2 must stay at most {:g} (n = {}), so C <= 2^{}, below the "
                                "score bound S = k G^2 = {:g} (k = {}, .bound {}; the softmax's linear range needs C > S)",
                                f.max_finite, n, cap, S, rows, to_string(p.bound)));
  }
}

}  // namespace

Held held(const Rational& q, const ScalarFacts& f) {
  Held h;
  if (q == 0) return h;
  h.bits = bounds::significant_bits(q);
  if (f.precision <= 0) return h;  // exact
  if (!(std::fabs(to_double(q)) <= f.max_finite)) return {Holding::overflow, h.bits};
  if (h.bits < 0) return {Holding::rounded, h.bits};
  const BigInt num = abs(numerator(q)), den = denominator(q);
  const long top = static_cast<long>(msb(num)) - static_cast<long>(msb(den));  // 2^top <= |q| < 2^(top+1)
  const long low = static_cast<long>(lsb(num)) - static_cast<long>(msb(den));  // the lowest set bit
  if (f.bounded_exponent) {
    const long grid = static_cast<long>(f.emin) - f.precision + 1;  // the subnormals' spacing
    if (top < grid - 1) return {Holding::underflow, h.bits};
    if (low < grid) return {Holding::rounded, h.bits};
  }
  if (h.bits > f.precision) return {Holding::rounded, h.bits};
  return h;
}

int largest_product_scale_log2(int n, double value_bound, const ScalarFacts& f) {
  if (!std::isfinite(f.max_finite)) return 1 << 20;
  int c = -1100;
  while (n * std::ldexp(1.0, c + 1) / 2 * value_bound <= f.max_finite) ++c;
  return c;
}

int eighths_rounded_up(int eighths, int precision) {
  if (precision <= 0 || eighths <= 0) return eighths;
  int bits = 0;
  while ((eighths >> bits) > 0) ++bits;
  if (bits <= precision) return eighths;
  const int step = 1 << (bits - precision);
  return (eighths + step - 1) / step * step;
}

std::vector<std::string> format_refusals(const fq::FleqProgram& program, const CompiledFleq& compiled, const ScalarFacts& f) {
  std::vector<std::string> out;
  if (f.precision <= 0) return out;
  named_refusals(program, compiled, f, out);
  const bool snap_named = !out.empty() && out.front().rfind("the integer snap", 0) == 0;
  // Then every weight the format does not hold, one line per group (its first example).
  std::map<std::string, std::pair<Finding, int>> groups;
  std::vector<std::string> order;
  for (const Finding& w : weights_not_held(compiled, f)) {
    if (w.site.fitted && w.held.holding == Holding::rounded) continue;  // measured by the run
    if (w.site.group == "layer 'flag': a unit writing val" && snap_named) continue;  // the integer snap, named above
    auto [it, fresh] = groups.try_emplace(w.site.group, w, 0);
    if (fresh) order.push_back(w.site.group);
    ++it->second.second;
  }
  for (const auto& g : order) out.push_back(describe_finding(groups.at(g).first, f, groups.at(g).second));
  return out;
}

}  // namespace loopcert::compile::fleq
