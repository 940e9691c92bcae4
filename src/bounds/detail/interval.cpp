#include "bounds/detail/interval.hpp"

namespace loopcert::bounds::detail {

Interval::Interval() { mpfi_init2(v_, kBits); }
Interval::Interval(double x) : Interval() { mpfi_set_d(v_, x); }
Interval::Interval(int x) : Interval() { mpfi_set_si(v_, x); }
Interval::Interval(double lo, double hi) : Interval() { mpfi_interv_d(v_, lo, hi); }
Interval::Interval(const Interval& o) : Interval() { mpfi_set(v_, o.v_); }
Interval& Interval::operator=(const Interval& o) {
  if (this != &o) mpfi_set(v_, o.v_);
  return *this;
}
Interval::~Interval() { mpfi_clear(v_); }

Interval Interval::everything_positive() {
  Interval r;
  mpfr_set_zero(&r.v_->left, 1);
  mpfr_set_inf(&r.v_->right, 1);
  return r;
}

Interval Interval::pow2(long e) {
  Interval r(1);
  mpfi_mul_2si(r.v_, r.v_, e);
  return r;
}

double Interval::upper() const { return mpfr_get_d(&v_->right, MPFR_RNDU); }
double Interval::lower() const { return mpfr_get_d(&v_->left, MPFR_RNDD); }
bool Interval::positive() const { return mpfr_sgn(&v_->left) > 0; }
bool Interval::nonnegative() const { return mpfr_sgn(&v_->left) >= 0; }
bool Interval::below(const Interval& o) const { return mpfr_less_p(&v_->right, &o.v_->left); }
bool Interval::at_most(const Interval& o) const { return mpfr_lessequal_p(&v_->right, &o.v_->left); }

#define LOOPCERT_BINARY(op, fn)                              \
  Interval operator op(const Interval& a, const Interval& b) { \
    Interval r;                                              \
    fn(r.v_, a.v_, b.v_);                                    \
    return r;                                                \
  }
LOOPCERT_BINARY(+, mpfi_add)
LOOPCERT_BINARY(-, mpfi_sub)
LOOPCERT_BINARY(*, mpfi_mul)
LOOPCERT_BINARY(/, mpfi_div)
#undef LOOPCERT_BINARY

#define LOOPCERT_UNARY(name, fn) \
  Interval name(const Interval& a) { \
    Interval r;                  \
    fn(r.v_, a.v_);              \
    return r;                    \
  }
LOOPCERT_UNARY(operator-, mpfi_neg)
LOOPCERT_UNARY(exp, mpfi_exp)
LOOPCERT_UNARY(expm1, mpfi_expm1)
LOOPCERT_UNARY(log1p, mpfi_log1p)
#undef LOOPCERT_UNARY

Interval hull(const Interval& a, const Interval& b) {
  Interval r;
  mpfi_union(r.v_, a.v_, b.v_);
  return r;
}

}  // namespace loopcert::bounds::detail
