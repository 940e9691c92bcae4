#include "core/range_flag.hpp"

#include <cstdio>
#include <stdexcept>

#include "core/input_error.hpp"
#include "core/real_flag.hpp"

namespace loopcert {

namespace {

std::invalid_argument refused(const std::string& flag, const std::string& text, const std::string& why) {
  return std::invalid_argument(flag + " '" + excerpt(text) + "': " + why);
}

}  // namespace

std::int64_t parse_integer_flag(const std::string& flag, const std::string& text, std::int64_t min, std::int64_t max) {
  std::size_t first = !text.empty() && text[0] == '+' ? 1 : 0;
  if (first == text.size() || text.find_first_not_of("0123456789", first) != std::string::npos)
    throw refused(flag, text, "not an integer (digits only)");
  // Compared as text first: no overflow for a thousand digits.
  const std::size_t skip = text.find_first_not_of('0', first);
  const std::string digits = skip == std::string::npos ? "0" : text.substr(skip);
  const std::string limit = std::to_string(max);
  if (digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit))
    throw refused(flag, text, "above the limit " + limit);
  const std::int64_t value = std::stoll(digits);
  if (value < min) throw refused(flag, text, "below the least value " + std::to_string(min));
  return value;
}

IntegerRange parse_integer_range_flag(const std::string& flag, const std::string& text, std::int64_t min, std::int64_t max,
                                      const std::string& example) {
  const std::string expected = " (expected LO..HI with integers " + std::to_string(min) + " <= LO <= HI <= " + std::to_string(max) +
                               ", e.g. " + flag + " " + example + ")";
  const auto dots = text.find("..");
  if (dots == std::string::npos) throw refused(flag, text, "missing '..'" + expected);
  auto end = [&](const std::string& name, const std::string& part) {
    try {
      return parse_integer_flag(flag + " (" + name + ")", part, min, max);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(flag + " '" + excerpt(text) + "': " + e.what() + expected);
    }
  };
  const IntegerRange r{end("LO", text.substr(0, dots)), end("HI", text.substr(dots + 2))};
  if (r.hi < r.lo) throw refused(flag, text, "HI is below LO" + expected);
  return r;
}

Rational parse_positive_flag(const std::string& flag, const std::string& text) {
  const Rational q = parse_real_flag(flag, text);
  if (q <= 0) throw std::invalid_argument(flag + " must be positive (got " + excerpt(text) + ")");
  return q;
}

int parse_power_of_two_flag(const std::string& flag, const std::string& text, const std::string& why) {
  const Rational q = parse_positive_flag(flag, text);
  auto power = [](const BigInt& x) { return (x & (x - 1)) == 0; };  // x > 0
  if (!power(numerator(q)) || !power(denominator(q))) throw refused(flag, text, "not a power of two (" + why + ")");
  using boost::multiprecision::msb;
  return static_cast<int>(msb(numerator(q))) - static_cast<int>(msb(denominator(q)));
}

SteppedRange parse_stepped_range_flag(const std::string& flag, const std::string& text, long max_values, const std::string& limit) {
  const auto dots = text.find("..");
  const auto colon = text.find(':');
  if (dots == std::string::npos || colon == std::string::npos || colon < dots)
    throw refused(flag, text, "expected A..B:STEP, e.g. " + flag + " 1..6:0.5");
  const SteppedRange r{parse_positive_flag(flag + " (A)", text.substr(0, dots)),
                       parse_positive_flag(flag + " (B)", text.substr(dots + 2, colon - dots - 2)),
                       parse_positive_flag(flag + " (STEP)", text.substr(colon + 1))};
  if (r.b < r.a) throw refused(flag, text, "B is below A");
  const Rational count = (r.b - r.a) / r.step;
  if (count > max_values - 1) {
    char values[32];
    std::snprintf(values, sizeof values, "%.3g", to_double(count) + 1);
    throw refused(flag, text, std::string(values) + " values, more than " + limit + " of " + std::to_string(max_values));
  }
  return r;
}

}  // namespace loopcert
