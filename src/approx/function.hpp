// One-dimensional functions f on [lo, hi]: the building blocks of every approximation
// target (the sigmoid lemma's targets today, FLEQ's elementwise functions later), each
// evaluated in long double (fits, grid estimates), in MPFR, and exactly where f is
// rational at rational points.
#pragma once
#include <optional>
#include <vector>

#include "core/mpfr_real.hpp"
#include "core/rational.hpp"
#include "core/table_reader.hpp"

namespace loopcert::approx {

enum class FunctionKind { Square, Reciprocal, Sqrt, Rsqrt, Exp, Sigmoid, Table };

using Knot = TablePoint;

struct Univariate {
  FunctionKind kind = FunctionKind::Square;
  Rational lo = -1, hi = 1;
  std::vector<Knot> knots;  // Table: strictly increasing x, covering [lo, hi]
};

long double sigma_ld(long double z);  // the logistic function in long double (stable form)
// f(x) in long double (least squares, grid estimates).
long double evaluate_ld(const Univariate& f, long double x);
// f(x) at the current MPFR precision (correctly rounded except sigmoid and table, which
// are within a few ulps); x exact.
MpfrReal evaluate_mpfr(const Univariate& f, const MpfrReal& x);
// f(x) exactly, when it is rational at rational x (square, 1/x, table).
std::optional<Rational> evaluate_exact(const Univariate& f, const Rational& x);

}  // namespace loopcert::approx
