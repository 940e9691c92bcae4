#include "core/rational.hpp"

#include <cctype>
#include <cstdlib>
#include <mpfr.h>
#include <stdexcept>

namespace loopcert {

Rational pow2(int k) {
  BigInt one = 1;
  if (k >= 0) return Rational(BigInt(one << k));
  return Rational(one, BigInt(one << (-k)));
}

namespace {

constexpr const char* kNotANumber = "is not a number (expected e.g. 3, -0.25, 1e-3 or 7/2)";
constexpr const char* kNotAFraction =
    "is not a fraction (expected INTEGER/INTEGER such as 7/2 or -3/4, with no point, exponent "
    "or blank in either part)";
constexpr int kMaxExponent = 100000;

bool is_digit(char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; }

// Skips a run of digits from `i`; true if there was at least one.
bool skip_digits(const std::string& text, std::size_t& i) {
  const std::size_t start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i > start;
}

// The integer spelled by `digits` (decimal digits only, maybe with leading zeros).
// mpz_set_str, not digit-by-digit arithmetic, so that a megabyte of digits takes
// milliseconds; and not BigInt's string constructor, which reads a leading 0 as octal.
BigInt digits_value(const std::string& digits) {
  BigInt value;
  if (!digits.empty()) mpz_set_str(value.backend().data(), digits.c_str(), 10);
  return value;
}

// [+-] digits [. digits] [(e|E) [+-] digits], with a digit before or after the point.
std::optional<Rational> decimal_value(const std::string& text, std::string& why) {
  why = kNotANumber;
  std::size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t whole_begin = i;
  const bool any_whole = skip_digits(text, i);
  std::string digits = text.substr(whole_begin, i - whole_begin);
  bool any_fraction = false;
  long scale = 0;  // value = digits * 10^scale
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_begin = ++i;
    any_fraction = skip_digits(text, i);
    digits += text.substr(fraction_begin, i - fraction_begin);
    scale = -static_cast<long>(i - fraction_begin);
  }
  if (!any_whole && !any_fraction) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool exponent_negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent_begin = i;
    if (!skip_digits(text, i)) return std::nullopt;
    const BigInt exponent = digits_value(text.substr(exponent_begin, i - exponent_begin));
    if (exponent > kMaxExponent) {
      why = "has an exponent beyond the limit of " + std::to_string(kMaxExponent);
      return std::nullopt;
    }
    scale += exponent_negative ? -exponent.convert_to<long>() : exponent.convert_to<long>();
  }
  if (i != text.size()) return std::nullopt;  // trailing text: a second point, a blank, ...
  const BigInt power = boost::multiprecision::pow(BigInt(10), static_cast<unsigned>(std::labs(scale)));
  const BigInt significand = digits_value(digits);
  Rational value = scale >= 0 ? Rational(BigInt(significand * power)) : Rational(significand, power);
  if (negative) value = -value;
  return value;
}

// [+-] digits / digits: both parts integers, so that "1/2/3" or "1.5/2" cannot be read
// as something the writer did not mean.
std::optional<Rational> fraction_value(const std::string& text, std::size_t slash, std::string& why) {
  why = kNotAFraction;
  if (text.find('/', slash + 1) != std::string::npos) {
    why = "has more than one '/' (expected one fraction INTEGER/INTEGER such as 7/2)";
    return std::nullopt;
  }
  std::size_t i = text[0] == '+' || text[0] == '-' ? 1 : 0;
  const std::size_t numerator_begin = i;
  if (!skip_digits(text, i) || i != slash) return std::nullopt;
  BigInt numerator = digits_value(text.substr(numerator_begin, slash - numerator_begin));
  if (text[0] == '-') numerator = -numerator;
  i = slash + 1;
  if (!skip_digits(text, i) || i != text.size()) return std::nullopt;
  const BigInt denominator = digits_value(text.substr(slash + 1));
  if (denominator == 0) {
    why = "divides by zero";
    return std::nullopt;
  }
  return Rational(numerator, denominator);
}

}  // namespace

std::optional<Rational> try_parse_rational(const std::string& text, std::string& why) {
  const std::size_t slash = text.find('/');
  return slash == std::string::npos ? decimal_value(text, why) : fraction_value(text, slash, why);
}

Rational parse_rational(const std::string& text) {
  std::string why;
  const std::optional<Rational> value = try_parse_rational(text, why);
  if (!value) throw std::invalid_argument("'" + text + "' " + why);
  return *value;
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
