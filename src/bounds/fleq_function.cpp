// The fleq_function bound (bounds/fleq_function.hpp), summed with upward rounding.
#include "bounds/fleq_function.hpp"

namespace loopcert::bounds {

namespace {

// a + b, a * b rounded up (both non-negative): one step above the nearest double.
double add_up(double a, double b) { return std::nextafter(a + b, INFINITY); }
double mul_up(double a, double b) { return a == 0 || b == 0 ? 0.0 : std::nextafter(a * b, INFINITY); }

}  // namespace

double fleq_function_exact(const FleqFunctionInputs& in) {
  if (!(in.input_error <= in.margin) || !std::isfinite(in.approximation) || !std::isfinite(in.lipschitz)) return INFINITY;
  double b = in.approximation;
  b = add_up(b, mul_up(in.lipschitz, in.input_error));
  b = add_up(b, mul_up(in.rounding.sum_c, in.compensation / 4));
  return b;
}

double fleq_function_total(const FleqFunctionInputs& in, const RoundingModel& model) {
  return add_up(fleq_function_exact(in), rounding_bound(in.rounding, model));
}

}  // namespace loopcert::bounds
