// The one number syntax of every real-valued flag (issue 16, item 7): --lambda,
// --tolerance, --data-tolerance, --error, --resolution, --lambda-max, range ends. It is
// parse_rational's (core/rational.hpp): a decimal such as 0.25, -3, 1e-3, or a fraction
// such as 1/4; no hex (0x0.4), no blanks (" 0.25"), no inf or nan. The value is also used
// in double, so it must be a normal double or 0: a value that double rounds to inf, to 0,
// or to a subnormal (7e-324 would run at 4.94e-324) is refused, never silently changed.
#pragma once
#include <string>

#include "core/rational.hpp"

namespace loopcert {

// The smallest positive normal double, 2^-1022 (about 2.2e-308).
inline constexpr double kSmallestNormalDouble = 2.2250738585072014e-308;

// The exact value of `text` for the flag `flag` (named in messages, e.g. "--lambda").
// Throws std::invalid_argument("FLAG: ...") saying why it is refused.
Rational parse_real_flag(const std::string& flag, const std::string& text);

// The same, as the double it rounds to (exactly representable or nearest).
double parse_real_flag_double(const std::string& flag, const std::string& text);

// Throws std::invalid_argument("FLAG: ...") unless `q` rounds to 0 only when it is 0, to a
// finite double, and not to a subnormal one. `text` is how the user wrote it.
void check_normal_double(const std::string& flag, const Rational& q, const std::string& text);

}  // namespace loopcert
