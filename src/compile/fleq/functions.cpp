// The fits of FLEQ's elementwise functions (compile/fleq/functions.hpp).
#include "compile/fleq/functions.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "approx/function_constants.hpp"
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
  if (!(range.lo < range.hi)) throw std::invalid_argument(where + ": a fitted function needs a range of positive width (LO < HI)");
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

double function_margin(const blocks::FunctionFit& fit) {
  const bool positive = fit.f.kind == approx::FunctionKind::Sqrt || fit.f.kind == approx::FunctionKind::Rsqrt ||
                        (fit.f.kind == approx::FunctionKind::Reciprocal && fit.f.lo > 0);
  if (fit.f.kind == approx::FunctionKind::Reciprocal && fit.f.hi < 0)  // mirrored: keep the range negative
    return bounds::fleq_function_margin(-to_double(fit.f.hi), -to_double(fit.f.lo), true);
  return bounds::fleq_function_margin(to_double(fit.f.lo), to_double(fit.f.hi), positive);
}

approx::Univariate widened_target(const blocks::FunctionFit& fit) {
  // The margin as a dyadic rational just below w, so the widened range is exact.
  const Rational w(std::ldexp(std::floor(std::ldexp(function_margin(fit), 60)), -60));
  approx::Univariate f = fit.f;
  f.lo -= w;
  f.hi += w;
  return f;
}

bounds::FleqFunctionInputs fleq_function_bound_inputs(const blocks::FunctionFit& fit, int columns, double input_error, double certified_approximation) {
  const approx::Univariate wide = widened_target(fit);
  bounds::FleqFunctionInputs in;
  in.approximation = certified_approximation;
  in.margin = to_double(Rational(fit.f.lo - wide.lo));
  in.lipschitz = approx::function_constants(wide).lipschitz;
  in.input_error = input_error;
  in.compensation = 0;  // balanced anchors (blocks/fleq_function.hpp)
  const double U = std::max(std::abs(to_double(wide.lo)), std::abs(to_double(wide.hi))) * (1 + 1e-12);
  const blocks::FunctionMagnitudes mag = blocks::function_magnitudes(fit.sum, U);
  in.rounding = {static_cast<int>(fit.sum.terms.size()), columns, columns / 2, 1, mag.sum_c, mag.sum_c_score, mag.c0, mag.max_score, mag.max_weight};
  return in;
}

}  // namespace loopcert::compile::fleq
