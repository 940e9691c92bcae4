// The fits of FLEQ's elementwise functions (compile/fleq/functions.hpp).
#include "compile/fleq/functions.hpp"

#include <algorithm>
#include <stdexcept>

#include "approx/function_fit.hpp"
#include "bounds/sigmoid.hpp"

namespace loopcert::compile::fleq {

namespace fq = isa::fleq;

int default_function_terms(fq::Function f) { return f == fq::Function::sigmoid ? 1 : 32; }

approx::Univariate function_target(fq::Function f, const fq::Range& range) {
  approx::Univariate u;
  switch (f) {
    case fq::Function::sigmoid: u.kind = approx::FunctionKind::Sigmoid; break;
    case fq::Function::exp: u.kind = approx::FunctionKind::Exp; break;
    case fq::Function::recip: u.kind = approx::FunctionKind::Reciprocal; break;
    case fq::Function::sqrt: u.kind = approx::FunctionKind::Sqrt; break;
    case fq::Function::rsqrt: u.kind = approx::FunctionKind::Rsqrt; break;
  }
  u.lo = range.lo;
  u.hi = range.hi;
  return u;
}

namespace {

// g(x) -> -g(-x): the sum of 1/x on [-hi, -lo] from the one on [lo, hi].
approx::SigmoidSum mirrored(approx::SigmoidSum s) {
  s.c0 = -s.c0;
  for (approx::Term& t : s.terms) t.a = -t.a, t.c = -t.c;
  return s;
}

}  // namespace

blocks::FunctionFit fleq_function_fit(fq::Function f, const fq::Range& range, int terms, int columns, double unit_roundoff) {
  const std::string name = fq::function_name(f);
  const std::string where = name + " on " + to_string(range.lo) + ".." + to_string(range.hi);
  blocks::FunctionFit fit{name, function_target(f, range), {}, 0};
  const int m = terms > 0 ? terms : default_function_terms(f);
  if (terms < 0) throw std::invalid_argument(where + ": the number of terms must be at least 1");
  if (f == fq::Function::sigmoid) {  // exact with one term, whatever `terms` says
    fit.sum.c0 = 0;
    fit.sum.terms = {{1, 0, 1}};
    fit.sum.width_factor = 1;
    fit.gate = blocks::function_gate(fit.sum);
    return fit;
  }
  const bool positive = range.lo > 0, negative = range.hi < 0;
  if ((f == fq::Function::sqrt || f == fq::Function::rsqrt) && !positive)
    throw std::invalid_argument(where + ": the range reaches 0, where " + name +
                                " has no sum of sigmoids with a finite bound; declare `.range " + name + " LO..HI` with 0 < LO");
  if (f == fq::Function::recip && !positive && !negative) throw std::invalid_argument(where + ": the range contains 0");
  // Fit on a positive range (recip on a negative one is mirrored), choosing the width by
  // the grid estimate plus Theorem 3's rounding at the target scalar.
  approx::Univariate target = fit.f;
  if (negative) target.lo = -range.hi, target.hi = -range.lo;
  const bounds::RoundingModel model{"target", unit_roundoff, 0, INFINITY};
  const double U = std::max(std::abs(to_double(range.lo)), std::abs(to_double(range.hi)));
  auto penalty = [&](const approx::SigmoidSum& sum) {
    const blocks::FunctionMagnitudes mag = blocks::function_magnitudes(sum, U);
    return bounds::rounding_bound({m, columns, columns / 2, 1, mag.sum_c, mag.sum_c_score, mag.c0, mag.max_score, mag.max_weight}, model);
  };
  fit.sum = approx::best_fit_on_grid(target, m, approx::function_fit_betas(), approx::natural_grid(target.kind), penalty);
  if (negative) fit.sum = mirrored(fit.sum);
  fit.gate = blocks::function_gate(fit.sum);
  return fit;
}

}  // namespace loopcert::compile::fleq
