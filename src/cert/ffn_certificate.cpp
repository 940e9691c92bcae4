#include "cert/ffn_certificate.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "bounds/common.hpp"

namespace loopcert::cert {

// Rounded-up + and * that keep an exact 0 exact (bounds::add_up steps up below 2^-960,
// which would turn a radius 0, the mark of an exact entry, into the smallest subnormal).
namespace {
double add_up(double a, double b) { return a == 0 ? b : b == 0 ? a : a == -b ? 0 : bounds::add_up(a, b); }
double mul_up(double a, double b) { return a == 0 || b == 0 ? 0 : bounds::mul_up(a, b); }
double sub_down(double a, double b) { return b == 0 ? a : a == b ? 0 : bounds::sub_down(a, b); }
}  // namespace

double EntryBall::magnitude() const {
  double m = 0;
  for (double c : centers) m = std::max(m, std::fabs(c));
  return add_up(m, radius);
}

EntryBall hull(const EntryBall& a, const EntryBall& b) {
  EntryBall h = a;
  for (double c : b.centers)
    if (std::find(h.centers.begin(), h.centers.end(), c) == h.centers.end()) h.centers.push_back(c);
  std::sort(h.centers.begin(), h.centers.end());
  h.radius = std::max(a.radius, b.radius);
  return h;
}

bool inside(const EntryBall& a, const EntryBall& b) {
  for (double c : a.centers)
    if (std::find(b.centers.begin(), b.centers.end(), c) == b.centers.end()) return false;
  return a.radius <= b.radius;
}

FfnRounding ffn_rounding(const RoundingModel& m) {
  FfnRounding r;
  r.precision = m.precision;
  r.u = m.precision > 0 ? std::ldexp(1.0, -m.precision) : 0;
  r.eta = m.has_eta ? std::ldexp(1.0, static_cast<int>(std::max(m.eta_log2, -1074L))) : 0;
  r.emin = m.emin;
  r.max_finite = m.max_finite;
  return r;
}

namespace {

// A sum of doubles and products, with a bound on how far the double result is from the
// exact one (TwoSum and an fma residual per step; the build has -ffp-contract=off).
struct ExactSum {
  double value = 0, error = 0;
  void add(double x) {
    const double s = value + x, bp = s - value;
    error = add_up(error, std::fabs((value - (s - bp)) + (x - bp)));
    value = s;
  }
  void add_product(double a, double b) {
    const double p = a * b;
    error = add_up(error, std::fabs(std::fma(a, b, -p)));
    if (p != 0 && std::fabs(p) < 0x1p-960) error = add_up(error, 0x1p-960);  // the residual may have underflowed
    add(p);
  }
};

std::optional<std::string> target_weight(const Rational& q, const FfnRounding& r, double& out);

// w c is a number of the target (so the engine's product is exact).
bool representable_product(double w, double c, const FfnRounding& r) {
  const double p = w * c;
  if (std::fma(w, c, -p) != 0) return false;
  double ignored = 0;
  return !target_weight(Rational(p), r, ignored);
}

bool power_of_two_at_least_one(double w) {
  int e = 0;
  return std::fabs(w) >= 1 && std::fabs(std::frexp(w, &e)) == 0.5;
}

// The weight as the target holds it, or why it cannot.
std::optional<std::string> target_weight(const Rational& q, const FfnRounding& r, double& out) {
  out = to_double(q);
  if (Rational(out) != q) return "is not a double";
  if (!(std::fabs(out) <= r.max_finite)) return "exceeds the largest finite value";
  if (out == 0 || r.precision == 0 || r.precision >= 53) return std::nullopt;
  int e = 0;
  const double m = std::ldexp(std::frexp(out, &e), r.precision);
  if (m != std::floor(m)) return fmt::format("needs more than {} significant bits", r.precision);
  if (r.emin != 0 && e - 1 < r.emin) return "is below the smallest normal number";
  return std::nullopt;
}

struct Unit {
  double bias = 0;
  std::vector<std::pair<int, double>> w1;
};

struct Weights {
  std::vector<Unit> units;
  std::map<int, std::vector<std::pair<int, double>>> w2;  // written row -> (unit, weight)
  std::map<int, double> b2;
};

std::optional<std::string> load_weights(const FfnSpec& ffn, const FfnRounding& r, Weights& w) {
  w.units.resize(ffn.hidden);
  auto take = [&](const Rational& q, double& out, const std::string& what) -> std::optional<std::string> {
    if (auto why = target_weight(q, r, out)) return what + " (" + to_string(q) + ") " + *why;
    return std::nullopt;
  };
  for (int u = 0; u < ffn.hidden; ++u)
    if (auto why = take(ffn.b1[u], w.units[u].bias, fmt::format("the bias of hidden unit {}", u))) return why;
  for (const auto& e : ffn.w1.entries) {
    double x = 0;
    if (auto why = take(e.value, x, fmt::format("W1[{}, {}]", e.row, e.col))) return why;
    w.units[e.row].w1.push_back({e.col, x});
  }
  for (const auto& e : ffn.w2.entries) {
    double x = 0;
    if (auto why = take(e.value, x, fmt::format("W2[{}, {}]", e.row, e.col))) return why;
    w.w2[e.row].push_back({e.col, x});
  }
  for (const auto& [row, q] : ffn.b2) {
    double x = 0;
    if (auto why = take(q, x, fmt::format("the output bias of row {}", row))) return why;
    if (w.b2.count(row)) return fmt::format("row {} has two output biases (each is a rounded addition; not modelled)", row);
    w.b2[row] = x;
    w.w2[row];
  }
  return std::nullopt;
}

// The rounding of a dot product: k terms that may be nonzero, sum of their magnitudes S,
// product errors P, |exact sum| <= `magnitude` (used when k = 2).
double dot_rounding(int k, double S, double P, double magnitude, const FfnRounding& r) {
  if (k <= 1) return P;
  if (k == 2) return add_up(P, mul_up(r.u, add_up(magnitude, P)));
  return add_up(P, mul_up(bounds::gamma(k - 1, r.u), add_up(S, P)));
}

// Point terms whose every partial sum, in any order, is a number of the target: each is a
// multiple of 2^low and their |sum| stays below 2^(low + p), so the sum is exact.
bool exact_point_sum(const std::vector<double>& terms, const FfnRounding& r) {
  if (r.precision == 0) return true;
  int low = std::numeric_limits<int>::max();
  double total = 0;
  for (double t : terms) {
    if (t == 0) continue;
    int e = 0;
    const auto m = static_cast<std::int64_t>(std::ldexp(std::frexp(std::fabs(t), &e), 53));  // t = m 2^(e - 53), exact
    low = std::min(low, e - 53 + std::countr_zero(static_cast<std::uint64_t>(m)));
    total = add_up(total, std::fabs(t));
  }
  if (total == 0) return true;
  if (r.emin != 0 && low < r.emin - r.precision + 1) return false;
  return total < std::ldexp(1.0, low + std::min(r.precision, 1000)) && total <= r.max_finite;
}

double product_error(double w, double magnitude, bool exact, const FfnRounding& r) {
  if (exact || power_of_two_at_least_one(w)) return 0;
  return add_up(mul_up(r.u, magnitude), r.eta);
}

enum class Side { Active, Inactive, Straddle };

struct UnitState {
  double z = 0;    // pre-activation at the ideal inputs (within z_error)
  double lin = 0;  // from the input radii
  double rnd = 0;  // rounding, including z_error
  int single_row = -1;  // the one input row, when the pre-activation is w x computed exactly
  Side side = Side::Inactive;
  double low() const { return sub_down(z, add_up(lin, rnd)); }
  double high() const { return add_up(z, add_up(lin, rnd)); }
};

struct Value {
  double center = 0, dev = 0;
};

// One written row: its units, the rows they read, and the evaluation per case.
class RowEvaluator {
 public:
  RowEvaluator(const Weights& w, const ColumnBall& in, const FfnRounding& r, const FfnLimits& l, int row)
      : w_(w), in_(in), r_(r), limits_(l), row_(row) {
    for (const auto& [u, weight] : w.w2.at(row)) units_.push_back(u);
    std::vector<int> rows;
    if (!in[row].constant()) rows.push_back(row);
    for (int u : units_)
      for (const auto& [i, weight] : w.units[u].w1)
        if (!in[i].constant()) rows.push_back(i);
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    vars_ = rows;
    for (int u : units_) {
      var_w1_.emplace_back();
      for (const auto& [i, weight] : w.units[u].w1) {
        const auto it = std::lower_bound(vars_.begin(), vars_.end(), i);
        if (it != vars_.end() && *it == i) var_w1_.back().push_back({static_cast<int>(it - vars_.begin()), weight});
      }
    }
  }

  // The output ball over every case, or why it cannot be certified.
  std::optional<std::string> run(EntryBall& out, long& cases, std::optional<Straddle>& widest) {
    out.centers.clear();
    out.radius = 0;
    if (linear_form()) return run_linear(out, cases, widest);
    long count = 1;
    for (int i : vars_) {
      count *= static_cast<long>(in_[i].centers.size());
      if (count > limits_.max_cases) return fmt::format("row {} depends on more than {} cases of its inputs", row_, limits_.max_cases);
    }
    std::vector<std::pair<double, double>> ball(vars_.size());
    for (long c = 0; c < count; ++c) {
      long rest = c;
      for (std::size_t k = 0; k < vars_.size(); ++k) {
        const EntryBall& e = in_[vars_[k]];
        ball[k] = {e.centers[rest % e.centers.size()], e.radius};
        rest /= static_cast<long>(e.centers.size());
      }
      note(eval(ball, 0, widest), out);
      if (failure_) return failure_;
      ++cases;
    }
    return std::nullopt;
  }

 private:
  const Weights& w_;
  const ColumnBall& in_;
  const FfnRounding& r_;
  const FfnLimits& limits_;
  int row_;
  std::vector<int> units_, vars_;
  std::vector<std::vector<std::pair<int, double>>> var_w1_;  // per unit (w2 order): (index in vars_, weight)
  std::optional<std::string> failure_;

  void note(const Value& v, EntryBall& out) {
    if (std::find(out.centers.begin(), out.centers.end(), v.center) == out.centers.end()) {
      out.centers.push_back(v.center);
      std::sort(out.centers.begin(), out.centers.end());
    }
    out.radius = std::max(out.radius, v.dev);
  }

  std::pair<double, double> entry(int row, const std::vector<std::pair<double, double>>& ball) const {
    const auto it = std::lower_bound(vars_.begin(), vars_.end(), row);
    if (it != vars_.end() && *it == row) return ball[it - vars_.begin()];
    return {in_[row].centers[0], 0.0};
  }

  UnitState preactivation(int u, const std::vector<std::pair<double, double>>& ball) {
    const Unit& unit = w_.units[u];
    UnitState s;
    ExactSum z;
    z.add(unit.bias);
    int k = unit.bias != 0;
    double S = std::fabs(unit.bias), P = 0;
    std::vector<double> points{unit.bias};
    bool all_points = true;
    for (const auto& [i, w] : unit.w1) {
      const auto [c, rho] = entry(i, ball);
      if (c == 0 && rho == 0) continue;  // an exact 0 adds nothing
      ++k;
      all_points = all_points && rho == 0 && representable_product(w, c, r_);
      points.push_back(w * c);
      z.add_product(w, c);
      s.lin = add_up(s.lin, mul_up(std::fabs(w), rho));
      const double mag = mul_up(std::fabs(w), add_up(std::fabs(c), rho));
      S = add_up(S, mag);
      const bool exact_product = rho == 0 && representable_product(w, c, r_);
      P = add_up(P, product_error(w, mag, exact_product, r_));
      s.single_row = (k == 1 && std::fabs(w) == 1) ? i : -1;
    }
    if (k != 1) s.single_row = -1;
    s.z = z.value;
    if (all_points && exact_point_sum(points, r_)) s.rnd = z.error;  // e.g. a gate's bias on an idle column
    else s.rnd = add_up(dot_rounding(k, S, P, add_up(std::fabs(z.value), add_up(z.error, s.lin)), r_), z.error);
    if (S > r_.max_finite / 4) failure_once(fmt::format("a pre-activation of row {} may overflow", row_));
    return s;
  }

  void failure_once(std::string why) {
    if (!failure_) failure_ = std::move(why);
  }

  static void decide(UnitState& s) {
    // Inactive first: a unit at exactly 0 gives an exact 0 term either way, and as a 0 it
    // is not counted among the sum's terms.
    s.side = s.high() <= 0 ? Side::Inactive : s.low() >= 0 ? Side::Active : Side::Straddle;
  }

  Value eval(const std::vector<std::pair<double, double>>& ball, int depth, std::optional<Straddle>& widest);
  Value output(const std::vector<UnitState>& states, const std::vector<std::pair<double, double>>& ball, double center_error,
               std::optional<Straddle>& widest);
  bool linear_form() const;
  std::optional<std::string> run_linear(EntryBall& out, long& cases, std::optional<Straddle>& widest);
};

Value RowEvaluator::eval(const std::vector<std::pair<double, double>>& ball, int depth, std::optional<Straddle>& widest) {
  std::vector<UnitState> states;
  for (int u : units_) {
    states.push_back(preactivation(u, ball));
    decide(states.back());
  }
  // A straddling unit that reads one input exactly (w x with |w| = 1, no bias): split that
  // input at 0, so that the unit is linear on each half (the clears of garbage).
  for (std::size_t k = 0; k < states.size() && depth < limits_.max_splits; ++k) {
    if (states[k].side != Side::Straddle || states[k].single_row < 0 || states[k].rnd != 0) continue;
    const auto it = std::lower_bound(vars_.begin(), vars_.end(), states[k].single_row);
    if (it == vars_.end() || *it != states[k].single_row) continue;
    const std::size_t v = it - vars_.begin();
    const double lo = sub_down(ball[v].first, ball[v].second), hi = add_up(ball[v].first, ball[v].second);
    if (!(lo < 0 && hi > 0)) continue;
    std::optional<Straddle> ignored;
    const Value whole = output(states, ball, 0, ignored);  // its centre is the exact value at the ideal inputs
    Value out{whole.center, 0};
    for (const auto& half : {std::pair<double, double>{lo / 2, -lo / 2}, std::pair<double, double>{hi / 2, hi / 2}}) {
      auto sub = ball;
      sub[v] = half;
      const Value h = eval(sub, depth + 1, widest);
      out.dev = std::max(out.dev, add_up(std::max(add_up(h.center, -whole.center), add_up(whole.center, -h.center)), h.dev));
    }
    return out;
  }
  return output(states, ball, 0, widest);
}

Value RowEvaluator::output(const std::vector<UnitState>& states, const std::vector<std::pair<double, double>>& ball,
                           double center_error, std::optional<Straddle>& widest) {
  const auto [c, rho] = entry(row_, ball);
  ExactSum y;
  y.add(c);
  int k = (c != 0 || rho != 0);
  double S = add_up(std::fabs(c), rho), P = 0, dev = 0;
  std::vector<double> points{c};
  bool all_points = rho == 0;
  const auto& w2 = w_.w2.at(row_);
  for (std::size_t n = 0; n < w2.size(); ++n) {
    const UnitState& s = states[n];
    const double w = w2[n].second;
    y.add_product(w, std::max(s.z, 0.0));
    if (s.side == Side::Inactive) continue;
    ++k;
    all_points = all_points && s.side == Side::Active && s.lin == 0 && s.rnd == 0 && representable_product(w, s.z, r_);
    points.push_back(w * s.z);
    const double mag = mul_up(std::fabs(w), std::max(s.high(), 0.0));
    S = add_up(S, mag);
    P = add_up(P, product_error(w, mag, false, r_));
    if (s.side == Side::Active) {
      dev = add_up(dev, mul_up(std::fabs(w), s.rnd));
    } else {
      const double h = std::max(s.z, 0.0);
      dev = add_up(dev, mul_up(std::fabs(w), std::max(add_up(s.high(), -h), h)));
      if (!widest || s.high() - s.low() > widest->high - widest->low) widest = Straddle{row_, w2[n].first, s.low(), s.high()};
    }
  }
  if (const auto it = w_.b2.find(row_); it != w_.b2.end() && it->second != 0) {
    y.add(it->second);
    ++k;
    S = add_up(S, std::fabs(it->second));
    points.push_back(it->second);
  }
  // The Jacobian of the linear piece: the input noise reaches the output only through it.
  std::vector<ExactSum> J(vars_.size());
  for (std::size_t v = 0; v < vars_.size(); ++v)
    if (vars_[v] == row_) J[v].add(1);
  for (std::size_t n = 0; n < w2.size(); ++n)
    if (states[n].side == Side::Active)
      for (const auto& [v, w] : var_w1_[n]) J[v].add_product(w2[n].second, w);
  for (std::size_t v = 0; v < vars_.size(); ++v) dev = add_up(dev, mul_up(add_up(std::fabs(J[v].value), J[v].error), ball[v].second));
  const double lin_dev = dev;
  if (!(all_points && exact_point_sum(points, r_)))  // a sum of exact points on the target's grid is exact
    dev = add_up(dev, dot_rounding(k, S, P, add_up(std::fabs(y.value), add_up(y.error, lin_dev)), r_));
  if (S > r_.max_finite / 4) failure_once(fmt::format("row {} may overflow", row_));
  return {y.value, add_up(add_up(dev, y.error), center_error)};
}

// The threshold adders' rows: every unit that reads a non-constant row reads the same
// rows with the same weights, so a case is a value of that one linear form.
bool RowEvaluator::linear_form() const {
  if (!in_[row_].constant() || vars_.size() <= 12) return false;
  const std::vector<std::pair<int, double>>* form = nullptr;
  std::vector<std::pair<int, double>> first;
  for (int u : units_) {
    std::vector<std::pair<int, double>> var;
    for (const auto& [i, w] : w_.units[u].w1)
      if (!in_[i].constant()) var.push_back({i, w});
    if (var.empty()) continue;
    if (!form) first = var, form = &first;
    else if (var != first) return false;
  }
  return form != nullptr;
}

std::optional<std::string> RowEvaluator::run_linear(EntryBall& out, long& cases, std::optional<Straddle>& widest) {
  std::vector<std::pair<int, double>> form;
  for (int u : units_) {
    for (const auto& [i, w] : w_.units[u].w1)
      if (!in_[i].constant()) form.push_back({i, w});
    if (!form.empty()) break;
  }
  // Every value of the form over the ideal inputs (exact dyadic sums, checked).
  std::vector<double> values{0.0};
  for (const auto& [i, w] : form) {
    std::vector<double> next;
    for (double v : values)
      for (double c : in_[i].centers) {
        ExactSum s;
        s.add(v);
        s.add_product(w, c);
        if (s.error != 0) return fmt::format("row {}: the linear form's values are not exact in double", row_);
        next.push_back(s.value);
      }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    if (static_cast<long>(next.size()) > limits_.max_cases)
      return fmt::format("row {}: its linear form takes more than {} values", row_, limits_.max_cases);
    values = std::move(next);
  }
  // A case: every input at its largest |centre| for the rounding, the form's value replaced.
  std::vector<std::pair<double, double>> ball(vars_.size());
  for (std::size_t v = 0; v < vars_.size(); ++v) {
    double m = 0;
    for (double c : in_[vars_[v]].centers) m = std::max(m, std::fabs(c));
    ball[v] = {m, in_[vars_[v]].radius};
  }
  ExactSum at_ball;
  for (const auto& [i, w] : form) at_ball.add_product(w, entry(i, ball).first);
  // The rounding and the noise of the form do not depend on the case: one evaluation at
  // the ball, then the form's value replaced per case.
  std::vector<UnitState> base;
  std::vector<bool> reads_form;
  for (int u : units_) {
    base.push_back(preactivation(u, ball));
    bool reads = false;
    for (const auto& [i, w] : w_.units[u].w1) reads |= !in_[i].constant();
    reads_form.push_back(reads);
  }
  for (double D : values) {
    std::vector<UnitState> states = base;
    for (std::size_t n = 0; n < states.size(); ++n) {
      UnitState& s = states[n];
      if (reads_form[n]) {
        ExactSum z;
        z.add(s.z);
        z.add(-at_ball.value);
        z.add(D);
        s.z = z.value;
        s.rnd = add_up(s.rnd, add_up(at_ball.error, z.error));  // more than 12 terms: the rounding used S, not |z|
      }
      decide(s);
    }
    note(output(states, ball, 0, widest), out);
    if (failure_) return failure_;
    ++cases;
  }
  return std::nullopt;
}

}  // namespace

FfnCertificate certify_ffn(const FfnSpec& ffn, const ColumnBall& in, const FfnRounding& rounding, const FfnLimits& limits) {
  FfnCertificate c;
  c.out = in;
  Weights w;
  if (auto why = load_weights(ffn, rounding, w)) {
    c.failure = "the target cannot hold " + *why;
    return c;
  }
  for (const auto& [row, terms] : w.w2) {
    RowEvaluator e(w, in, rounding, limits, row);
    std::optional<Straddle> widest;
    if (auto why = e.run(c.out[row], c.cases, widest)) {
      c.failure = *why;
      return c;
    }
    if (widest) c.straddles.push_back(*widest);
  }
  return c;
}

}  // namespace loopcert::cert
