// A target as channels: sums of sigmoids of linear combinations of the inputs. x*y is
// ((x+y)^2 - (x-y)^2)/4, two square channels; every other target is one channel of f(x).
#pragma once
#include <utility>
#include <vector>

#include "approx/function.hpp"
#include "approx/sigmoid_sum.hpp"
#include "approx/target.hpp"
#include "core/rational.hpp"

namespace loopcert::approx {

// One sum of sigmoids applied to a linear combination of input rows.
struct Channel {
  std::vector<std::pair<int, Rational>> input;  // (0 = x, 1 = y; coefficient): u = sum coeff * row
  Univariate f;                                 // what the sum approximates, on the range of u
  SigmoidSum sum;
  Rational scale = 1;      // the channel adds scale * (c0 + sum) to the output row
  Rational input_abs = 1;  // U: sum |coeff| * max(|lo|, |hi|) over the inputs (rounding bound)
};

// The channels of a target, with empty sums: x*y is two square channels on [2lo, 2hi]
// and [lo-hi, hi-lo] with scales 1/4 and -1/4.
std::vector<Channel> target_channels(const Target& target);

}  // namespace loopcert::approx
