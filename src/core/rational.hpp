// Exact rationals (GMP through Boost.Multiprecision): the type every weight is built in.
#pragma once
#include <boost/multiprecision/gmp.hpp>
#include <optional>
#include <string>

namespace loopcert {

using Rational = boost::multiprecision::mpq_rational;
using BigInt = boost::multiprecision::mpz_int;

// 2^k as an exact rational (k may be negative).
Rational pow2(int k);

// Parses a decimal such as "3", "-0.25", "1e-3" or a fraction "7/2" exactly. A fraction
// is two integers (sign on the first only): "1/2/3", "1.5/2", "1/" and "/2" are errors,
// as is any text before or after the number, blanks included.
// Throws std::invalid_argument with a message naming the text when it is not a number.
Rational parse_rational(const std::string& text);

// The same without throwing: nullopt when `text` is not a number, with `why` set to the
// reason, e.g. "divides by zero". `why` does not quote the text, so that a caller
// reading a file can quote it its own way (with a position, or shortened).
std::optional<Rational> try_parse_rational(const std::string& text, std::string& why);

// The nearest double (round to nearest even), for printing.
double to_double(const Rational& q);

// A short human form: the fraction when small, else a decimal with 6 significant digits.
std::string to_string(const Rational& q);

}  // namespace loopcert
