#include "core/real_flag.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/input_error.hpp"

namespace loopcert {

void check_normal_double(const std::string& flag, const Rational& q, const std::string& text) {
  const double d = to_double(q);
  if (!std::isfinite(d) || (d == 0 && q != 0))
    throw std::invalid_argument(flag + ": " + excerpt(text) +
                                " is outside the range of double (magnitudes from about 4.9e-324 to 1.8e308)");
  if (d != 0 && std::fabs(d) < kSmallestNormalDouble) {
    char used[32];
    std::snprintf(used, sizeof used, "%.6g", d);
    throw std::invalid_argument(flag + ": " + excerpt(text) + " is subnormal in double (it would be used as " + used +
                                ", with fewer than 53 significant bits): expected 0 or a magnitude of at least 2.2250738585072014e-308");
  }
}

Rational parse_real_flag(const std::string& flag, const std::string& text) {
  std::string why;
  const std::optional<Rational> q = try_parse_rational(text, why);
  if (!q) throw std::invalid_argument(flag + ": '" + excerpt(text) + "' " + why);
  check_normal_double(flag, *q, text);
  return *q;
}

double parse_real_flag_double(const std::string& flag, const std::string& text) { return to_double(parse_real_flag(flag, text)); }

}  // namespace loopcert
