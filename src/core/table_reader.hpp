// User-supplied tables of (x, y) points, one per line ("x y", "x,y" or "x; y"; '#' starts
// a comment; an optional header line that names the columns). Every error names
// SOURCE:LINE:COL (COL of the offending field; no COL when the whole line is wrong) and
// quotes user text through excerpt() (core/input_error.hpp). The messages are
// std::invalid_argument without InputError's "error: " part: `verify sigmoid --table`
// and the tests of tests/test_input_errors.cpp print them as they are.
#pragma once
#include <string>
#include <vector>

#include "core/rational.hpp"

namespace loopcert {

struct TablePoint {
  Rational x, y;
  int line = 0;  // the point's line in its table file (for messages), 0 when built by hand
};

// At least two points, x strictly increasing, exactly and after rounding to double, and
// every value representable as a finite double (not rounding to 0 unless it is 0).
// `source` names the table in messages. Throws std::invalid_argument.
std::vector<TablePoint> parse_table(const std::string& text, const std::string& source);
// The file at `path` through parse_table (a directory or an unreadable file: a message
// naming the path).
std::vector<TablePoint> read_table(const std::string& path);

}  // namespace loopcert
