#include "bounds/common.hpp"

#include "bounds/detail/lemma_intervals.hpp"

namespace loopcert::bounds {

namespace {
constexpr double kTiny = 0x1p-960;  // below this, fma residuals may underflow: always step
double up(double x) { return std::nextafter(x, kInfinity); }
double down(double x) { return std::nextafter(x, -kInfinity); }
}  // namespace

double add_up(double a, double b) {
  const double s = a + b;
  if (!std::isfinite(s)) return s;
  const double bb = s - a;
  const double err = (a - (s - bb)) + (b - bb);  // TwoSum: s + err == a + b exactly
  return err > 0 ? up(s) : s;
}

double sub_down(double a, double b) {
  const double s = a - b;
  if (!std::isfinite(s)) return s;
  const double bb = s - a;
  const double err = (a - (s - bb)) + (-b - bb);
  return err < 0 ? down(s) : s;
}

double mul_up(double a, double b) {
  const double p = a * b;
  if (!std::isfinite(p)) return p;
  if (p == 0 && a != 0 && b != 0) return up(0.0);  // underflowed to 0
  if (std::abs(p) < kTiny) return up(p);
  return std::fma(a, b, -p) > 0 ? up(p) : p;
}

double div_up(double a, double b) {
  const double q = a / b;
  if (!std::isfinite(q) || b == 0) return q;
  if (std::abs(q) < kTiny || std::abs(a) < kTiny) return up(q);
  const double r = std::fma(-q, b, a);  // a - q b exactly: q too small when r / b > 0
  return (b > 0 ? r > 0 : r < 0) ? up(q) : q;
}

double gamma(double k, double u) {
  const double ku = mul_up(k, u);
  if (!(ku < 1)) return kInfinity;
  return div_up(ku, sub_down(1, ku));
}

double softmax_leak(int others, double lambda, double gap) {
  return detail::leak(others, detail::Interval(lambda), detail::Interval(gap)).upper();
}

}  // namespace loopcert::bounds
