// One-dimensional functions (approx/function.hpp).
#include "approx/function.hpp"

#include <cmath>

#include "approx/detail/conversions.hpp"

namespace loopcert::approx {

using detail::rational_to_ld;

namespace {

// Index j of the table piece [x_j, x_{j+1}] containing x (clamped to the ends).
template <class X, class Less>
std::size_t piece_of(const std::vector<Knot>& knots, const X& x, Less less) {
  std::size_t lo = 0, hi = knots.size() - 1;  // invariant: answer in [lo, hi)
  while (hi - lo > 1) {
    std::size_t mid = (lo + hi) / 2;
    if (less(x, knots[mid].x)) hi = mid;
    else lo = mid;
  }
  return lo;
}

}  // namespace

long double sigma_ld(long double z) {
  if (z >= 0) return 1.0L / (1.0L + std::exp(-z));
  const long double e = std::exp(z);
  return e / (1.0L + e);
}

long double evaluate_ld(const Univariate& f, long double x) {
  switch (f.kind) {
    case FunctionKind::Square: return x * x;
    case FunctionKind::Reciprocal: return 1.0L / x;
    case FunctionKind::Sqrt: return std::sqrt(x);
    case FunctionKind::Rsqrt: return 1.0L / std::sqrt(x);
    case FunctionKind::Exp: return std::exp(x);
    case FunctionKind::Sigmoid: return sigma_ld(x);
    case FunctionKind::Table: {
      std::size_t j = piece_of(f.knots, x, [](long double a, const Rational& b) { return a < rational_to_ld(b); });
      const long double x0 = rational_to_ld(f.knots[j].x), x1 = rational_to_ld(f.knots[j + 1].x);
      const long double y0 = rational_to_ld(f.knots[j].y), y1 = rational_to_ld(f.knots[j + 1].y);
      return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  }
  return 0;
}

std::optional<Rational> evaluate_exact(const Univariate& f, const Rational& x) {
  switch (f.kind) {
    case FunctionKind::Square: return Rational(x * x);
    case FunctionKind::Reciprocal: return Rational(1 / x);
    case FunctionKind::Table: {
      std::size_t j = piece_of(f.knots, x, [](const Rational& a, const Rational& b) { return a < b; });
      const Knot &k0 = f.knots[j], &k1 = f.knots[j + 1];
      return Rational(k0.y + (k1.y - k0.y) * (x - k0.x) / (k1.x - k0.x));
    }
    default: return std::nullopt;
  }
}

MpfrReal evaluate_mpfr(const Univariate& f, const MpfrReal& x) {
  switch (f.kind) {
    case FunctionKind::Square: return x * x;
    case FunctionKind::Reciprocal: return MpfrReal(1) / x;
    case FunctionKind::Sqrt: return sqrt(x);
    case FunctionKind::Rsqrt: {  // correctly rounded 1/sqrt(x)
      MpfrReal r;
      mpfr_rec_sqrt(r.raw(), x.raw(), MPFR_RNDN);
      return r;
    }
    case FunctionKind::Exp: return exp(x);
    case FunctionKind::Sigmoid: return MpfrReal(1) / (MpfrReal(1) + exp(-x));
    case FunctionKind::Table: {
      return MpfrReal(*evaluate_exact(f, exact_rational(x.raw())));
    }
  }
  return MpfrReal(0);
}

}  // namespace loopcert::approx
