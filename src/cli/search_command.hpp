// `loopcert search precision|lambda|grid`: minimum precision, temperature interval and
// the (precision x lambda) phase grid of a program, next to the bounds' predictions
// (src/analysis/search.hpp). `search terms` comes from the sigmoid CLI when present.
#pragma once
#include <string>

#include "cli/common.hpp"
#include "core/rational.hpp"

namespace CLI {
class App;
}

namespace loopcert::cli {

void add_search_command(CLI::App& app, Handler& handler);

// Parsers shared with `verify formats`; each throws UsageError naming the flag.
struct BitsRange {
  long lo = 0, hi = 0;
};
BitsRange parse_bits_range(const std::string& text);                       // "LO..HI", 2 <= LO <= HI
Rational parse_positive(const std::string& flag, const std::string& text);  // exact, > 0, within double's range
// Lambda, steps, range ends and error targets are also used in double (bounds, printing):
// a value that double would round to inf, or a nonzero one it would round to 0, is
// refused rather than silently changed.
void check_within_double(const std::string& flag, const Rational& q, const std::string& text);
struct LambdaRange {
  Rational a, b, step;
};
// "A..B:STEP", 0 < A <= B, STEP > 0, at most kMaxGridLambdas values.
inline constexpr long kMaxGridLambdas = 100000;
LambdaRange parse_lambda_range(const std::string& text);
// --resolution R and --lambda-max CAP of the lambda searches: CAP >= R and at most 2^40
// multiples of R up to CAP. Throws UsageError naming the flags.
void check_lambda_search(const Rational& resolution, const Rational& cap);

}  // namespace loopcert::cli
