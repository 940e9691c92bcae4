// Approximation targets: what `--f NAME` names (x^2, x*y, 1/x, sqrt, exp, sigmoid, a
// table), with the range of x (for x*y: of x and of y) and the checks that keep every
// bound finite (1/x, sqrt and rsqrt need 0 < lo, exp needs hi <= 64, ...).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "approx/function.hpp"
#include "core/mpfr_real.hpp"
#include "core/rational.hpp"

namespace loopcert::approx {

enum class TargetKind { Square, Product, Reciprocal, Sqrt, Rsqrt, Exp, Sigmoid, Table };

struct Target {
  TargetKind kind = TargetKind::Square;
  Rational lo = -1, hi = 1;  // range of x (for x*y: of x and of y)
  std::vector<Knot> knots;   // Table
  int inputs() const { return kind == TargetKind::Product ? 2 : 1; }
};

std::string target_name(TargetKind kind);  // "x^2", "x*y", "1/x", "sqrt", "rsqrt", "exp", "sigmoid", "table"
std::string target_names_help();            // for messages and --help
// Accepts the names above and a few aliases (square, product, xy, inv, reciprocal).
// Throws std::invalid_argument("unknown function 'cos' (expected one of ...)").
TargetKind parse_target_kind(const std::string& text);
// The default range of each function (unit size; the staircase bound at m = 64 is below
// 0.05 there). Table: the table's own x-range (throws for Table).
std::pair<Rational, Rational> default_range(TargetKind kind);
// "LO..HI" (numbers as parse_rational accepts them). Throws std::invalid_argument.
std::pair<Rational, Rational> parse_range(const std::string& text);
std::string range_text(const Rational& lo, const Rational& hi);  // "-1..1"
// Checks the range against the function (1/x, sqrt and rsqrt need 0 < lo; a table range must
// lie inside the table). No range: the default. Throws std::invalid_argument.
Target make_target(TargetKind kind, std::optional<std::pair<Rational, Rational>> range, std::vector<Knot> knots = {});
// The target at (x, y), exactly when rational, else at the current MPFR precision.
MpfrReal evaluate_target(const Target& target, const Rational& x, const Rational& y);

}  // namespace loopcert::approx
