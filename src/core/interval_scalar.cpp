#include "core/interval_scalar.hpp"

#include <algorithm>
#include <sstream>

namespace loopcert {

namespace {

const RoundingModel& exact_model() {
  static const RoundingModel m;
  return m;
}
const RoundingModel*& current_model() {
  thread_local const RoundingModel* m = &exact_model();
  return m;
}
long& current_precision() {
  thread_local long p = 128;
  return p;
}

// An MPFR number for the widths (rounded up; 64 bits is plenty for an upper bound).
struct Up {
  mpfr_t v;
  Up() { mpfr_init2(v, 64); mpfr_set_zero(v, 1); }
  ~Up() { mpfr_clear(v); }
  Up(const Up&) = delete;
  Up& operator=(const Up&) = delete;
};

bool is_zero_point(const IntervalScalar& x) { return x.is_point() && mpfr_zero_p(&x.raw()->left); }
bool is_unit_point(const IntervalScalar& x) {
  return x.is_point() && mpfr_cmpabs_ui(&x.raw()->left, 1) == 0;
}

void set_entire(mpfi_ptr v) {
  mpfr_set_inf(&v->left, -1);
  mpfr_set_inf(&v->right, 1);
}

// Widens v by w on both sides, outward.
void widen(mpfi_ptr v, mpfr_srcptr w) {
  mpfr_sub(&v->left, &v->left, w, MPFR_RNDD);
  mpfr_add(&v->right, &v->right, w, MPFR_RNDU);
}

// max |x| over v, rounded up, into out.
void magnitude(mpfr_ptr out, mpfi_srcptr v) { mpfi_mag(out, v); }

bool beyond_max_finite(mpfr_srcptr mag, const RoundingModel& m) {
  return std::isfinite(m.max_finite) && mpfr_cmp_d(mag, m.max_finite) > 0;
}

}  // namespace

IntervalScope::IntervalScope(const RoundingModel& model, long working_precision)
    : previous_model_(current_model()), previous_precision_(current_precision()) {
  current_model() = &model;
  current_precision() = working_precision;
}
IntervalScope::~IntervalScope() {
  current_model() = previous_model_;
  current_precision() = previous_precision_;
}
const RoundingModel& IntervalScope::model() { return *current_model(); }
long IntervalScope::precision() { return current_precision(); }

IntervalScalar::IntervalScalar(const Rational& lo, const Rational& hi) {
  init();
  mpfi_interv_q(v_, lo.backend().data(), hi.backend().data());
}

void IntervalScalar::round_to_target() {
  const RoundingModel& m = IntervalScope::model();
  if (m.precision == 0) return;
  if (!is_finite()) return set_entire(v_);
  if (is_point()) {
    // A single point the target holds exactly is what the target computes (no rounding).
    mpfr_srcptr x = &v_->left;
    if (mpfr_zero_p(x)) return;
    const bool normal = m.emin == 0 || mpfr_get_exp(x) - 1 >= m.emin;
    Up size;
    mpfr_abs(size.v, x, MPFR_RNDU);
    if (static_cast<long>(mpfr_min_prec(x)) <= m.precision && normal && !beyond_max_finite(size.v, m)) return;
  }
  Up w;
  magnitude(w.v, v_);
  if (beyond_max_finite(w.v, m)) return set_entire(v_);  // the target may have overflowed
  mpfr_mul_2si(w.v, w.v, -m.precision, MPFR_RNDU);       // u |z|
  if (m.has_eta) {
    Up eta;
    mpfr_set_ui_2exp(eta.v, 1, m.eta_log2, MPFR_RNDU);
    mpfr_add(w.v, w.v, eta.v, MPFR_RNDU);
  }
  widen(v_, w.v);
}

IntervalScalar IntervalScalar::rounded(const Rational& q) {
  IntervalScalar r;
  mpfi_set_q(r.v_, q.backend().data());
  r.round_to_target();
  return r;
}

IntervalScalar IntervalScalar::target_exp(const IntervalScalar& x) {
  const RoundingModel& m = IntervalScope::model();
  IntervalScalar r;
  mpfi_exp(r.v_, x.v_);  // MPFI's exp is rigorous (outward at the working precision)
  if (m.precision == 0) return r;
  if (!r.is_finite()) return set_entire(r.v_), r;
  Up w;
  magnitude(w.v, r.v_);
  if (beyond_max_finite(w.v, m)) return set_entire(r.v_), r;
  mpfr_mul_d(w.v, w.v, m.exp_units, MPFR_RNDU);
  mpfr_mul_2si(w.v, w.v, -m.precision, MPFR_RNDU);
  if (m.exp_has_absolute) {
    Up a;
    mpfr_set_ui_2exp(a.v, 1, m.exp_absolute_log2, MPFR_RNDU);
    mpfr_add(w.v, w.v, a.v, MPFR_RNDU);
  }
  widen(r.v_, w.v);
  // Every exp the engine uses returns a value >= 0 (a scaled positive polynomial, or 0).
  if (mpfr_sgn(&r.v_->left) < 0) mpfr_set_zero(&r.v_->left, 1);
  return r;
}

IntervalScalar IntervalScalar::target_dot(const IntervalScalar* a, const IntervalScalar* b, long n) {
  const RoundingModel& m = IntervalScope::model();
  IntervalScalar sum, product;
  Up total;  // sum |a_i b_i|, rounded up
  Up mag;
  long k = 0;
  for (long i = 0; i < n; ++i) {
    if (!a[i].is_finite() || !b[i].is_finite()) return set_entire(sum.v_), sum;
    // A zero factor: the target's product is +-0 exactly and adding it changes nothing.
    if (is_zero_point(a[i]) || is_zero_point(b[i])) continue;
    mpfi_mul(product.v_, a[i].v_, b[i].v_);
    mpfi_add(sum.v_, sum.v_, product.v_);
    magnitude(mag.v, product.v_);
    mpfr_add(total.v, total.v, mag.v, MPFR_RNDU);
    ++k;
  }
  if (m.precision == 0 || k == 0) return sum;
  if (k == 1) return sum.round_to_target(), sum;  // one product, rounded once
  // Any summation order (Eigen's vectorised partial sums, FMA): each nonzero term passes
  // through at most k roundings (its product and k - 1 additions with a nonzero partner),
  // so |computed - exact| <= gamma_k sum |a_i b_i| + k eta (the products' underflow).
  if (beyond_max_finite(total.v, m)) return set_entire(sum.v_), sum;
  Up gamma, ku;
  mpfr_set_ui_2exp(ku.v, static_cast<unsigned long>(k), -m.precision, MPFR_RNDU);  // k u
  mpfr_ui_sub(gamma.v, 1, ku.v, MPFR_RNDD);                                          // 1 - k u
  if (mpfr_sgn(gamma.v) <= 0) return set_entire(sum.v_), sum;
  mpfr_div(gamma.v, ku.v, gamma.v, MPFR_RNDU);
  Up w;
  mpfr_mul(w.v, gamma.v, total.v, MPFR_RNDU);
  if (m.has_eta) {
    Up eta;
    mpfr_set_ui_2exp(eta.v, static_cast<unsigned long>(k), m.eta_log2, MPFR_RNDU);
    mpfr_add(w.v, w.v, eta.v, MPFR_RNDU);
  }
  widen(sum.v_, w.v);
  return sum;
}

IntervalScalar IntervalScalar::max_of(const IntervalScalar* x, long n) {
  IntervalScalar r = x[0];
  for (long i = 1; i < n; ++i) {
    if (!x[i].is_finite()) return set_entire(r.v_), r;
    mpfr_max(&r.v_->left, &r.v_->left, &x[i].v_->left, MPFR_RNDD);
    mpfr_max(&r.v_->right, &r.v_->right, &x[i].v_->right, MPFR_RNDU);
  }
  return r;
}

IntervalScalar& IntervalScalar::operator+=(const IntervalScalar& o) {
  if (is_zero_point(o) && is_finite()) return *this;  // x + 0 = x exactly in every format
  mpfi_add(v_, v_, o.v_);
  round_to_target();
  return *this;
}
IntervalScalar& IntervalScalar::operator-=(const IntervalScalar& o) {
  if (is_zero_point(o) && is_finite()) return *this;
  mpfi_sub(v_, v_, o.v_);
  round_to_target();
  return *this;
}
IntervalScalar& IntervalScalar::operator*=(const IntervalScalar& o) {
  const bool exact = (is_unit_point(o) && is_finite()) || (is_unit_point(*this) && o.is_finite());  // x * +-1 is exact
  mpfi_mul(v_, v_, o.v_);
  if (!exact) round_to_target();
  return *this;
}
IntervalScalar& IntervalScalar::operator/=(const IntervalScalar& o) {
  if (mpfi_has_zero(o.v_)) return set_entire(v_), *this;
  mpfi_div(v_, v_, o.v_);
  round_to_target();
  return *this;
}

double IntervalScalar::lower() const { return mpfr_get_d(&v_->left, MPFR_RNDD); }
double IntervalScalar::upper() const { return mpfr_get_d(&v_->right, MPFR_RNDU); }
double IntervalScalar::midpoint() const {
  if (!is_finite()) return mpfi_nan_p(v_) ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  mpfr_t mid;
  mpfr_init2(mid, mpfi_get_prec(v_));
  mpfi_mid(mid, v_);
  const double d = mpfr_get_d(mid, MPFR_RNDN);
  mpfr_clear(mid);
  return d;
}
double IntervalScalar::width() const {
  Up w;
  mpfi_diam_abs(w.v, v_);
  return mpfr_get_d(w.v, MPFR_RNDU);
}
bool IntervalScalar::contains(double x) const { return mpfi_is_inside_d(x, v_) > 0; }
bool IntervalScalar::overlaps(const IntervalScalar& x) const {
  return mpfr_lessequal_p(&v_->left, &x.v_->right) && mpfr_lessequal_p(&x.v_->left, &v_->right);
}
std::string IntervalScalar::str() const {
  std::ostringstream out;
  out.precision(17);
  out << '[' << lower() << ", " << upper() << ']';
  return out.str();
}

}  // namespace loopcert
