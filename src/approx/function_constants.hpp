// Upper bounds on a function's constants over [lo, hi] (Lipschitz constant, second
// derivative, total variation, sup |f|), computed with MPFI and rounded up: what the
// staircase bound (Theorem 2, bounds/sigmoid.hpp) and the a-priori rounding magnitudes
// need of f.
#pragma once
#include <cmath>

#include "approx/function.hpp"

namespace loopcert::approx {

struct FunctionConstants {
  double lipschitz = 0;                 // L >= sup |f'|
  double second_derivative = INFINITY;  // M2 >= sup |f''| (infinity when f is not C^2: tables)
  double variation = 0;                 // V >= total variation of f
  double sup_abs = 0;                   // >= sup |f|
};
FunctionConstants function_constants(const Univariate& f);

}  // namespace loopcert::approx
