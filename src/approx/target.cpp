// Approximation targets (approx/target.hpp).
#include "approx/target.hpp"

#include <stdexcept>

#include "approx/function.hpp"

namespace loopcert::approx {

namespace {
Rational rabs(const Rational& q) { return q < 0 ? Rational(-q) : q; }
}  // namespace

std::string target_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::Square: return "x^2";
    case TargetKind::Product: return "x*y";
    case TargetKind::Reciprocal: return "1/x";
    case TargetKind::Sqrt: return "sqrt";
    case TargetKind::Rsqrt: return "rsqrt";
    case TargetKind::Exp: return "exp";
    case TargetKind::Sigmoid: return "sigmoid";
    case TargetKind::Table: return "table";
  }
  return "?";
}

std::string target_names_help() { return "x^2, x*y, 1/x, sqrt, rsqrt, exp, sigmoid, table"; }

TargetKind parse_target_kind(const std::string& text) {
  static const std::vector<std::pair<std::string, TargetKind>> names = {
      {"x^2", TargetKind::Square},       {"square", TargetKind::Square},      {"x2", TargetKind::Square},
      {"x*y", TargetKind::Product},      {"xy", TargetKind::Product},         {"product", TargetKind::Product},
      {"1/x", TargetKind::Reciprocal},   {"inv", TargetKind::Reciprocal},     {"reciprocal", TargetKind::Reciprocal},
      {"sqrt", TargetKind::Sqrt},        {"rsqrt", TargetKind::Rsqrt},      {"exp", TargetKind::Exp},            {"sigmoid", TargetKind::Sigmoid},
      {"table", TargetKind::Table},
  };
  for (const auto& [name, kind] : names)
    if (text == name) return kind;
  throw std::invalid_argument("unknown function '" + text + "' (expected one of " + target_names_help() + ")");
}

std::pair<Rational, Rational> default_range(TargetKind kind) {
  switch (kind) {
    case TargetKind::Square:
    case TargetKind::Product:
    case TargetKind::Exp: return {-1, 1};
    case TargetKind::Reciprocal: return {Rational(1, 2), 2};
    case TargetKind::Sqrt:
    case TargetKind::Rsqrt: return {Rational(1, 4), 4};
    case TargetKind::Sigmoid: return {-4, 4};
    case TargetKind::Table: break;
  }
  throw std::invalid_argument("a table's range is its own x-range");
}

std::pair<Rational, Rational> parse_range(const std::string& text) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= text.size())
    throw std::invalid_argument("range '" + text + "': expected LO..HI, e.g. -1..1 or 0.25..4");
  Rational lo, hi;
  try {
    lo = parse_rational(text.substr(0, dots));
    hi = parse_rational(text.substr(dots + 2));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("range '" + text + "': " + e.what());
  }
  return {lo, hi};
}

std::string range_text(const Rational& lo, const Rational& hi) { return to_string(lo) + ".." + to_string(hi); }

Target make_target(TargetKind kind, std::optional<std::pair<Rational, Rational>> range, std::vector<Knot> knots) {
  Target t;
  t.kind = kind;
  if (kind == TargetKind::Table) {
    if (knots.size() < 2) throw std::invalid_argument("a table needs at least 2 points");
    for (std::size_t i = 1; i < knots.size(); ++i)
      if (!(knots[i - 1].x < knots[i].x)) throw std::invalid_argument("table x values must be strictly increasing");
    t.knots = std::move(knots);
  }
  if (range) {
    t.lo = range->first;
    t.hi = range->second;
  } else if (kind == TargetKind::Table) {
    t.lo = t.knots.front().x;
    t.hi = t.knots.back().x;
  } else {
    std::tie(t.lo, t.hi) = default_range(kind);
  }
  const std::string r = range_text(t.lo, t.hi);
  if (!(t.lo < t.hi)) throw std::invalid_argument("range " + r + " is empty: LO must be less than HI");
  const Rational limit = 1 << 20;
  if (rabs(t.lo) > limit || rabs(t.hi) > limit)
    throw std::invalid_argument("range " + r + " is too large (|LO|, |HI| <= 2^20)");
  switch (kind) {
    case TargetKind::Reciprocal:
      if (!(t.lo > 0)) throw std::invalid_argument("1/x needs 0 < LO (1/x is unbounded near 0); got range " + r);
      break;
    case TargetKind::Sqrt:
      if (!(t.lo > 0))
        throw std::invalid_argument("sqrt needs 0 < LO (sqrt is not Lipschitz at 0, so no finite bound holds there); got range " + r);
      break;
    case TargetKind::Rsqrt:
      if (!(t.lo > 0)) throw std::invalid_argument("rsqrt needs 0 < LO (1/sqrt x is unbounded near 0); got range " + r);
      break;
    case TargetKind::Exp:
      if (t.hi > 64) throw std::invalid_argument("exp needs HI <= 64 (e^HI must stay far from overflow); got range " + r);
      break;
    case TargetKind::Table:
      if (t.lo < t.knots.front().x || t.hi > t.knots.back().x)
        throw std::invalid_argument("range " + r + " leaves the table's x-range " + range_text(t.knots.front().x, t.knots.back().x));
      break;
    default: break;
  }
  return t;
}

MpfrReal evaluate_target(const Target& target, const Rational& x, const Rational& y) {
  switch (target.kind) {
    case TargetKind::Product: return MpfrReal(Rational(x * y));
    case TargetKind::Square: return MpfrReal(Rational(x * x));
    case TargetKind::Reciprocal: return MpfrReal(Rational(1 / x));
    default: break;
  }
  Univariate f;
  f.kind = target.kind == TargetKind::Sqrt      ? FunctionKind::Sqrt
           : target.kind == TargetKind::Rsqrt   ? FunctionKind::Rsqrt
           : target.kind == TargetKind::Exp     ? FunctionKind::Exp
           : target.kind == TargetKind::Sigmoid ? FunctionKind::Sigmoid
                                                : FunctionKind::Table;
  f.lo = target.lo;
  f.hi = target.hi;
  f.knots = target.knots;
  if (auto q = evaluate_exact(f, x)) return MpfrReal(*q);
  return evaluate_mpfr(f, MpfrReal(x));
}

}  // namespace loopcert::approx
