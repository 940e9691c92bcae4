// Targets as channels (approx/channel.hpp).
#include "approx/channel.hpp"

namespace loopcert::approx {

namespace {
Rational rabs(const Rational& q) { return q < 0 ? Rational(-q) : q; }
Rational rmax(const Rational& a, const Rational& b) { return a < b ? b : a; }
}  // namespace

std::vector<Channel> target_channels(const Target& target) {
  const Rational abs_max = rmax(rabs(target.lo), rabs(target.hi));
  Channel c;
  c.input = {{0, 1}};
  c.input_abs = abs_max;
  c.f.lo = target.lo;
  c.f.hi = target.hi;
  switch (target.kind) {
    case TargetKind::Square: c.f.kind = FunctionKind::Square; break;
    case TargetKind::Reciprocal: c.f.kind = FunctionKind::Reciprocal; break;
    case TargetKind::Sqrt: c.f.kind = FunctionKind::Sqrt; break;
    case TargetKind::Rsqrt: c.f.kind = FunctionKind::Rsqrt; break;
    case TargetKind::Exp: c.f.kind = FunctionKind::Exp; break;
    case TargetKind::Sigmoid: c.f.kind = FunctionKind::Sigmoid; break;
    case TargetKind::Table:
      c.f.kind = FunctionKind::Table;
      c.f.knots = target.knots;
      break;
    case TargetKind::Product: {
      Channel plus = c, minus = c;
      plus.input = {{0, 1}, {1, 1}};
      plus.f = {FunctionKind::Square, Rational(2 * target.lo), Rational(2 * target.hi), {}};
      plus.scale = Rational(1, 4);
      minus.input = {{0, 1}, {1, -1}};
      minus.f = {FunctionKind::Square, Rational(target.lo - target.hi), Rational(target.hi - target.lo), {}};
      minus.scale = Rational(-1, 4);
      plus.input_abs = minus.input_abs = 2 * abs_max;
      return {plus, minus};
    }
  }
  return {c};
}

}  // namespace loopcert::approx
