#include "bounds/ffn_sums.hpp"

#include <algorithm>
#include <optional>

#include "bounds/rounding.hpp"

namespace loopcert::bounds {

namespace {

struct Range {
  Rational lo, hi;
  bool point() const { return lo == hi; }
  bool zero() const { return lo == 0 && hi == 0; }
};

Range input(const InputBox& box, int row) {
  const auto it = box.rows.find(row);
  if (it == box.rows.end()) return {Rational(-box.M), Rational(box.M)};
  return {Rational(it->second.first), Rational(it->second.second)};
}

Rational magnitude(const Range& r) { return std::max(abs(r.lo), abs(r.hi)); }

Range scaled(const Range& r, const Rational& w) {
  const Rational a = w * r.lo, b = w * r.hi;
  return a <= b ? Range{a, b} : Range{b, a};
}

// |w| = 2^k: w x is exact for every x (no underflow or overflow: the range hypothesis).
bool power_of_two(const Rational& w) {
  if (w == 0) return false;
  const BigInt num = abs(boost::multiprecision::numerator(w)), den = boost::multiprecision::denominator(w);
  return boost::multiprecision::msb(num) == boost::multiprecision::lsb(num) &&
         boost::multiprecision::msb(den) == boost::multiprecision::lsb(den);
}

Rational relu(const Rational& x) { return x > 0 ? x : Rational(0); }

// One hidden unit: its pre-activation c + sum a_row x_row (c holds b1 and the exact rows'
// contributions), the range of the exact pre-activation over the box, and the bound on
// |computed - exact| of its output (relu is 1-Lipschitz and computed exactly).
struct Unit {
  Rational c;
  std::map<int, Rational> a;
  Rational bottom = 0, top = 0;
  double err = 0;
};

// The unit as the engine computes it: b1, then + fl(w x) for each W1 entry in order. The
// j-th addition rounds a value within S_j + e_(j-1) + pi_j of 0 (S_j: the exact partial sum's
// largest magnitude over the box; pi_j: the product's rounding); it is exact when one operand
// is exactly 0.
Unit unit_bound(const Rational& b1, const std::vector<const SparseEntry*>& entries, const InputBox& box, double u) {
  Unit out;
  out.c = b1;
  Range s{b1, b1};
  double e = 0;
  for (const SparseEntry* en : entries) {
    const Range x = input(box, en->col);
    const Range t = scaled(x, en->value);
    const bool exact_product = power_of_two(en->value) || (x.point() && (x.lo == 0 || power_of_two(x.lo)));
    const double pi = exact_product ? 0 : mul_up(u, abs_up(magnitude(t)));
    const bool zero_operand = (s.zero() && e == 0) || (t.zero() && pi == 0);
    s = {s.lo + t.lo, s.hi + t.hi};
    const double rho = zero_operand ? 0 : mul_up(u, add_up(add_up(abs_up(magnitude(s)), e), pi));
    e = add_up(add_up(e, pi), rho);
    if (x.point()) out.c += en->value * x.lo;
    else out.a[en->col] += en->value;
  }
  out.bottom = s.lo;
  out.top = s.hi;
  out.err = e;
  return out;
}

// One term of an output row, in the engine's order: w * unit, or (unit == nullptr) the bias w.
struct Term {
  const Unit* unit = nullptr;
  Rational w;
};

// a = alpha v for one alpha (both maps without zero entries); nullopt if not proportional.
std::optional<Rational> proportion(const std::map<int, Rational>& a, const std::map<int, Rational>& v) {
  if (a.empty()) return Rational(0);
  if (a.size() != v.size()) return std::nullopt;
  const Rational alpha = a.begin()->second / v.begin()->second;
  for (auto ia = a.begin(), iv = v.begin(); ia != a.end(); ++ia, ++iv)
    if (ia->first != iv->first || ia->second != alpha * iv->second) return std::nullopt;
  return alpha;
}

// The largest |y_j| = |x_r + sum_(i<=j) terms_i| over the box, for each j, when every unit of
// the row varies with one linear form z of the inputs (unit i = relu(alpha_i z + c_i)) and the
// residual x_r is either z scaled or independent of z: then y_j - (independent part) is
// piecewise linear in z, so its extremes over [z_lo, z_hi] are at the ends or at a kink.
std::optional<std::vector<Rational>> magnitudes_one_form(int row, const Range& xr, const std::vector<Term>& terms, const InputBox& box) {
  const std::map<int, Rational>* v = nullptr;
  for (const Term& t : terms)
    if (t.unit && !t.unit->a.empty() && !v) v = &t.unit->a;
  std::vector<Rational> alpha(terms.size(), 0);
  Range z{0, 0};
  if (v) {
    for (std::size_t i = 0; i < terms.size(); ++i)
      if (terms[i].unit) {
        const auto a = proportion(terms[i].unit->a, *v);
        if (!a) return std::nullopt;
        alpha[i] = *a;
      }
    for (const auto& [c, w] : *v) {
      const Range t = scaled(input(box, c), w);
      z = {z.lo + t.lo, z.hi + t.hi};
    }
  }
  Rational residual_alpha = 0;  // x_r = residual_alpha z, or x_r independent of z (in `independent`)
  Range independent = xr;
  if (!xr.point() && v && v->count(row)) {
    if (v->size() != 1) return std::nullopt;
    residual_alpha = 1 / v->at(row);
    independent = {0, 0};
  }
  std::vector<Rational> points{z.lo, z.hi};
  for (std::size_t i = 0; i < terms.size(); ++i)
    if (alpha[i] != 0) {
      const Rational kink = -terms[i].unit->c / alpha[i];
      if (kink > z.lo && kink < z.hi) points.push_back(kink);
    }
  std::vector<Rational> lo(terms.size()), hi(terms.size());
  for (std::size_t p = 0; p < points.size(); ++p) {
    Rational g = residual_alpha * points[p];
    for (std::size_t i = 0; i < terms.size(); ++i) {
      g += terms[i].unit ? terms[i].w * relu(alpha[i] * points[p] + terms[i].unit->c) : terms[i].w;
      lo[i] = p == 0 ? g : std::min(lo[i], g);
      hi[i] = p == 0 ? g : std::max(hi[i], g);
    }
  }
  std::vector<Rational> out;
  for (std::size_t i = 0; i < terms.size(); ++i) out.push_back(std::max(abs(independent.lo + lo[i]), abs(independent.hi + hi[i])));
  return out;
}

// Otherwise each term on its own: |x_r| + sum |w_i| max h_i.
std::vector<Rational> magnitudes(int row, const Range& xr, const std::vector<Term>& terms, const InputBox& box) {
  if (auto m = magnitudes_one_form(row, xr, terms, box)) return *m;
  std::vector<Rational> out;
  Rational acc = magnitude(xr);
  for (const Term& t : terms) {
    acc += abs(t.w) * (t.unit ? relu(t.unit->top) : Rational(1));
    out.push_back(acc);
  }
  return out;
}

// The row as the engine computes it: x_r, then + fl(w h) for each W2 entry, then + b2. Each
// product carries its unit's error |w| e_k and its own rounding (0 for w = +-2^k); each addition
// rounds a value within Y_j + E_(j-1) + (the product's error) of 0.
double row_error(const Range& xr, const std::vector<Term>& terms, const std::vector<Rational>& Y, double u) {
  double E = 0;
  bool zero = xr.zero();  // the computed row is exactly 0 so far
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const Term& t = terms[i];
    double carried = 0;
    bool zero_term = false;
    if (t.unit) {
      const double w = abs_up(t.w);
      const Rational h = relu(t.unit->top);
      const double pi = power_of_two(t.w) ? 0 : mul_up(u, mul_up(w, add_up(abs_up(h), t.unit->err)));
      carried = add_up(mul_up(w, t.unit->err), pi);
      zero_term = h == 0 && t.unit->err == 0;  // an exact pre-activation <= 0: relu gives exactly 0
    }
    const double rho = (zero || zero_term) ? 0 : mul_up(u, add_up(add_up(abs_up(Y[i]), E), carried));
    E = add_up(E, add_up(carried, rho));
    zero = Y[i] == 0 && E == 0;
  }
  return E;
}

}  // namespace

std::vector<double> ffn_sums_rounding(const LayerSpec& layer, const std::vector<int>& rows, const InputBox& box, double u) {
  std::vector<double> out(rows.size(), 0);
  if (u == 0) return out;
  const FfnSpec& f = layer.ffn;
  // Insertion order is the engine's summation order (tf/transformer_impl.hpp, compress).
  std::vector<std::vector<const SparseEntry*>> w1(f.hidden);
  for (const auto& e : f.w1.entries) w1[e.row].push_back(&e);
  std::map<int, std::vector<const SparseEntry*>> w2;
  for (const auto& e : f.w2.entries) w2[e.row].push_back(&e);
  std::map<int, Unit> units;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<Term> terms;
    for (const SparseEntry* e : w2[rows[i]]) {
      if (!units.count(e->col)) units[e->col] = unit_bound(f.b1[e->col], w1[e->col], box, u);
      terms.push_back({&units[e->col], e->value});
    }
    for (const auto& [r, b] : f.b2)
      if (r == rows[i]) terms.push_back({nullptr, b});
    const Range xr = input(box, rows[i]);
    out[i] = row_error(xr, terms, magnitudes(rows[i], xr, terms, box), u);
  }
  return out;
}

double max_of(const std::vector<double>& bounds) {
  double top = 0;
  for (double b : bounds) top = std::max(top, b);
  return top;
}

double sum_up(const std::vector<double>& bounds) {
  double total = 0;
  for (double b : bounds) total = add_up(total, b);
  return total;
}

}  // namespace loopcert::bounds
