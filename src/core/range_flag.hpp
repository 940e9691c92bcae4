// The ranges and numeric values of the search flags (issue 16, item 7), in the one number
// syntax of the other flags: --bits LO..HI takes integers as every integer flag does
// (digits, an optional '+'; no sign, hex or exponent), --lambda A..B:STEP, --resolution
// and --lambda-max take reals as core/real_flag.hpp reads them (decimals and fractions,
// no hex or blanks, subnormals refused). Every refusal is an std::invalid_argument whose
// message starts with the flag's name.
#pragma once
#include <cstdint>
#include <string>

#include "core/rational.hpp"

namespace loopcert {

// A whole integer within [min, max]: "FLAG: '12x' is not an integer", "... is below/above".
std::int64_t parse_integer_flag(const std::string& flag, const std::string& text, std::int64_t min, std::int64_t max);

// "LO..HI" with integers min <= LO <= HI <= max. `expected` says what the ends are (e.g.
// "MPFR precisions") and an example, for the message.
struct IntegerRange {
  std::int64_t lo = 0, hi = 0;
};
IntegerRange parse_integer_range_flag(const std::string& flag, const std::string& text, std::int64_t min, std::int64_t max,
                                      const std::string& example);

// A real in parse_real_flag's syntax that is > 0.
Rational parse_positive_flag(const std::string& flag, const std::string& text);

// A positive power of two 2^c in parse_real_flag's syntax (1048576, 1/4), as c: "FLAG
// '3': not a power of two". `why` says what needs it, for the message.
int parse_power_of_two_flag(const std::string& flag, const std::string& text, const std::string& why);

// "A..B:STEP" with positive reals A <= B and STEP, at most `max_values` values A, A + STEP,
// ... up to B (counted before any is listed: a tiny STEP would otherwise fill memory).
struct SteppedRange {
  Rational a, b, step;
};
// `limit` names max_values in the message, e.g. "the grid's limit".
SteppedRange parse_stepped_range_flag(const std::string& flag, const std::string& text, long max_values, const std::string& limit);

}  // namespace loopcert
