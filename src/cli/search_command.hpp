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

// --lambda A..B:STEP of `search grid` lists at most this many values (core/range_flag.hpp).
inline constexpr long kMaxGridLambdas = 100000;
// --resolution R and --lambda-max CAP of the lambda searches: CAP >= R and at most 2^40
// multiples of R up to CAP. Throws UsageError naming the flags.
void check_lambda_search(const Rational& resolution, const Rational& cap);

}  // namespace loopcert::cli
