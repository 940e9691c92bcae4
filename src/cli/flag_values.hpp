// Real-valued flag values on the command line, through the one number syntax of
// core/real_flag.hpp, refusals as UsageError (exit 2, naming the flag).
#pragma once
#include <string>

#include "core/rational.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cli {

// Exact, > 0, a normal double (core/real_flag.hpp). Throws UsageError naming `flag`.
Rational positive_flag(const std::string& flag, const std::string& text);
// A power of two 2^c, returned as c (core/range_flag.hpp). Throws UsageError naming `flag`.
int power_of_two_flag(const std::string& flag, const std::string& text, const std::string& why);
// --scalar NAME (core/scalar_name.hpp). Throws UsageError naming --scalar.
ScalarSpec scalar_flag(const std::string& text);
// Any real in parse_real_flag's syntax and range. Throws UsageError naming `flag`.
Rational real_flag(const std::string& flag, const std::string& text);
// Both ends of a range LO..HI must be normal doubles or 0. Throws UsageError naming `flag`.
void check_range_flag(const std::string& flag, const Rational& lo, const Rational& hi, const std::string& text);

}  // namespace loopcert::cli
