#include "core/rational.hpp"

#include <cctype>
#include <mpfr.h>
#include <stdexcept>

namespace loopcert {

Rational pow2(int k) {
  BigInt one = 1;
  if (k >= 0) return Rational(BigInt(one << k));
  return Rational(one, BigInt(one << (-k)));
}

Rational parse_rational(const std::string& text) {
  auto fail = [&] { throw std::invalid_argument("'" + text + "' is not a number (expected e.g. 3, -0.25, 1e-3 or 7/2)"); };
  if (text.empty()) fail();
  std::size_t slash = text.find('/');
  if (slash != std::string::npos) {
    Rational num = parse_rational(text.substr(0, slash));
    Rational den = parse_rational(text.substr(slash + 1));
    if (den == 0) throw std::invalid_argument("'" + text + "' divides by zero");
    return num / den;
  }
  std::size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') negative = text[i++] == '-';
  BigInt digits = 0;
  int scale = 0;  // value = digits * 10^scale
  bool any = false, dot = false;
  for (; i < text.size(); ++i) {
    char ch = text[i];
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      digits = digits * 10 + (ch - '0');
      if (dot) --scale;
      any = true;
    } else if (ch == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) fail();
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') fail();
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) eneg = text[i++] == '-';
    if (i >= text.size()) fail();
    int exponent = 0;
    for (; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) fail();
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 100000) fail();
    }
    scale += eneg ? -exponent : exponent;
  }
  BigInt ten = 10;
  Rational value = scale >= 0 ? Rational(BigInt(digits * boost::multiprecision::pow(ten, scale)))
                              : Rational(digits, BigInt(boost::multiprecision::pow(ten, -scale)));
  return negative ? Rational(-value) : value;
}

double to_double(const Rational& q) {
  mpfr_t x;
  mpfr_init2(x, 53);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
  double d = mpfr_get_d(x, MPFR_RNDN);
  mpfr_clear(x);
  return d;
}

std::string to_string(const Rational& q) {
  if (boost::multiprecision::denominator(q) == 1 && abs(q) < Rational(1000000)) return q.str();
  if (abs(boost::multiprecision::numerator(q)) < 1000 && boost::multiprecision::denominator(q) < 1000) return q.str();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", to_double(q));
  return buf;
}

}  // namespace loopcert
