// The bound formulas of proofs/<stem>.md written a second time, directly as the notes
// state them (no expm1/log1p rewriting), in MPFR at 2048 bits: the reference that
// tests/test_bounds.cpp and properties/bounds_rigor.cpp compare the implemented bounds
// with. 2048 bits leave more than 1500 correct bits after the worst cancellation the
// parameters of those tests produce (u >= 2^-256, delta >= 2^-80: the cancelling terms
// are >= 2^-520), so the reference is within 2^-1500 relative of the exact value.
// `at_least` compares with that slack; it is far below a double's rounding (2^-53), so a
// bound rounded to nearest instead of up is still caught.
#pragma once
#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>
#include <limits>

namespace loopcert::reference {

class Real {
 public:
  static constexpr long kBits = 2048;
  Real() { mpfr_init2(v_, kBits); mpfr_set_zero(v_, 1); }
  Real(double x) : Real() { mpfr_set_d(v_, x, MPFR_RNDN); }
  Real(const Real& o) : Real() { mpfr_set(v_, o.v_, MPFR_RNDN); }
  Real& operator=(const Real& o) { mpfr_set(v_, o.v_, MPFR_RNDN); return *this; }
  ~Real() { mpfr_clear(v_); }
  friend Real operator+(const Real& a, const Real& b) { Real r; mpfr_add(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend Real operator-(const Real& a, const Real& b) { Real r; mpfr_sub(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend Real operator*(const Real& a, const Real& b) { Real r; mpfr_mul(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend Real operator/(const Real& a, const Real& b) { Real r; mpfr_div(r.v_, a.v_, b.v_, MPFR_RNDN); return r; }
  friend Real exp(const Real& a) { Real r; mpfr_exp(r.v_, a.v_, MPFR_RNDN); return r; }
  friend bool operator<=(const Real& a, const Real& b) { return mpfr_lessequal_p(a.v_, b.v_); }
  friend bool operator<(const Real& a, const Real& b) { return mpfr_less_p(a.v_, b.v_); }
  static Real infinity() { Real r; mpfr_set_inf(r.v_, 1); return r; }
  bool is_inf() const { return mpfr_inf_p(v_); }
  double to_double() const { return mpfr_get_d(v_, MPFR_RNDN); }
  mpfr_srcptr get() const { return v_; }

 private:
  mpfr_t v_;
};

// implemented >= exact (up to the reference's 2^-1500 relative slack); an infinite
// implemented value is always >= (nothing claimed).
inline bool at_least(double implemented, const Real& exact) {
  if (implemented == std::numeric_limits<double>::infinity()) return true;
  if (exact.is_inf()) return false;
  Real slack = exact * Real(std::ldexp(1.0, -1500));
  if (slack < Real(0)) slack = Real(0) - slack;
  return exact <= Real(implemented) + slack;
}

inline Real gamma(double k, double u) {
  const Real ku = Real(k) * Real(u);
  return ku < Real(1) ? ku / (Real(1) - ku) : Real::infinity();
}
inline Real leak(int others, double lambda, const Real& gap) {
  if (gap <= Real(0)) return Real(1);
  const Real r = Real(others) * exp(Real(0) - Real(lambda) * gap);
  return r / (Real(1) + r);
}
// proofs/read.md, Lemma 2.
inline Real read_attention(int n, int L, double lambda, double delta) {
  const Real gap = Real(2) - Real(2 * L) * Real(delta);
  if (gap <= Real(0)) return Real::infinity();
  return Real(delta) + leak(n - 1, lambda, gap) * (Real(2) + Real(2) * Real(delta));
}
// proofs/write.md, Statement.
inline Real write_hit_deviation(int n, int L, double lambda, double delta) {
  const Real gap = Real(2) - Real(L) * Real(delta);
  if (gap <= Real(0)) return Real::infinity();
  const Real rho = exp(Real(lambda) * Real(L) * Real(delta));
  return (rho - Real(1)) / (Real(2) * (Real(1) + rho)) + leak(n - 2, lambda, gap);
}
inline bool write_gate_closes(int L, double lambda, double delta, double C) {
  const Real gap = Real(2) - Real(L) * Real(delta);
  if (gap <= Real(0)) return false;
  const Real kappa = exp(Real(0) - Real(lambda) * gap);
  return (Real(1) + Real(delta)) * (Real(1) + Real(2) * kappa) <= Real(C) * (Real(1) - Real(2) * kappa);
}
inline Real write_output(int n, int L, double lambda, double delta, double C) {
  if (!write_gate_closes(L, lambda, delta, C)) return Real::infinity();
  const Real eta = write_hit_deviation(n, L, lambda, delta);
  return Real(2) * eta * (Real(1) + Real(C)) + (Real(1) + Real(2) * eta) * Real(delta);
}
// proofs/read.md, "Rounding": exp within `units` u of e^x relative (and `eta` absolute).
inline Real rounding_attention(int n, int L, double lambda, double u, double delta, double units, double eta) {
  if (u == 0) return Real(0);
  const Real xi = Real(lambda) * Real(L) * (Real(1) + Real(delta)) * gamma(L + 2, u);
  const Real rel = (Real(1) + gamma(n, u)) * (Real(1) + gamma(n + 2 * units, u)) * exp(Real(2) * xi) - Real(1);
  return (Real(1) + Real(delta)) * (rel + Real(3 * n) * Real(eta));
}
// read.md Lemma 2' / write.md Lemma 2: the largest sum of `others` terms e^(-lambda g),
// with at most C(L, nu) terms of gap a nu (code columns, nu >= 1) and any number of gap
// L a / 2 (scratch columns): the gap classes sorted, the smallest gaps taken first.
inline Real distance_sum(int L, int others, double lambda, const Real& a) {
  std::vector<std::pair<Real, double>> classes;  // (gap, how many columns may have it)
  double c = 1;
  for (int nu = 1; nu <= L; ++nu) {
    c = c * (L - nu + 1) / nu;
    classes.push_back({a * Real(nu), c});
  }
  classes.push_back({a * Real(L) / Real(2), static_cast<double>(others)});
  std::stable_sort(classes.begin(), classes.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  Real sum(0);
  double left = others;
  for (const auto& [gap, count] : classes) {
    const double take = std::min(count, left);
    sum = sum + Real(take) * exp(Real(0) - Real(lambda) * gap);
    left -= take;
  }
  return sum;
}
inline Real read_attention_tight(int n, int L, double lambda, double delta) {
  if (!(Real(delta) < Real(1))) return Real::infinity();
  const Real q = distance_sum(L, n - 1, lambda, Real(2) * (Real(1) - Real(delta)));
  return Real(delta) + Real(2) * q / (Real(1) + q);
}
inline Real write_output_tight(int n, int L, double lambda, double delta, double C) {
  if (!write_gate_closes(L, lambda, delta, C)) return Real::infinity();
  // write.md Lemma 2 (b), scratch columns: 3 C - 2 C / n >= 2 (1 + delta) / n + 1 + delta.
  if (!(Real(2) * (Real(1) + Real(delta)) / Real(n) + Real(1) + Real(delta) <= Real(3) * Real(C) - Real(2) * Real(C) / Real(n))) return Real::infinity();
  if (!(Real(L) * Real(delta) < Real(2))) return Real::infinity();
  const Real x = exp(Real(lambda) * Real(L) * Real(delta)) * (Real(1) + distance_sum(L, n - 2, lambda, Real(2)));  // rho (1 + Q)
  const Real eta = (x - Real(1)) / (Real(2) * (x + Real(1)));
  return Real(2) * eta * (Real(1) + Real(C)) + (Real(1) + Real(2) * eta) * Real(delta);
}
inline Real flag_output(int N, double delta) { return Real(N) * Real(delta) < Real(1) ? Real(N) * Real(delta) : Real::infinity(); }
inline Real branch_output(double delta, double delta_flag) {
  const Real s = Real(delta) + Real(2) * Real(delta_flag);
  return s < Real(1) ? s : Real::infinity();
}
inline Real increment_output(int L, double delta) {
  return Real(std::ldexp(1.0, L - 1)) * Real(delta) < Real(1) ? Real(std::ldexp(1.0, L)) * Real(delta) : Real::infinity();
}
inline Real subtract_output(int N, double delta) {
  return Real(std::ldexp(1.0, N)) * Real(delta) < Real(1) ? Real(std::ldexp(1.0, N + 1)) * Real(delta) : Real::infinity();
}

}  // namespace loopcert::reference
