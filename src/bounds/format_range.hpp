// The range hypothesis of every lemma's rounding part (proofs/README.md, "Range
// hypothesis"): the standard model fl(a o b) = (a o b)(1 + eps) that every bound of
// bounds/ uses holds only while nothing overflows, and the exact-part bounds assume the
// weights the proofs name are the ones the engine holds. So before a bound is claimed at
// a scalar: (W) every weight, bias and the score scale lambda is a number of the format
// (dyadic, at most P significant bits, at most the largest finite value, on the
// subnormal grid), and (R) every value the engine computes from an input of entries
// |x| <= M - projections, scores lambda q.k and their differences, exps and their sum,
// read-outs, hidden units, outputs - is bounded, with its rounding, by the format's
// largest finite value. When either fails, nothing is claimed: the caller reports "not
// covered" with `reason` (verify, run's bounds line, search, report), never a bound.
//
// One check for every lemma and loop: analysis::run_lemma_trial (every lemma check) and
// bounds::loop_budget (run, search, certify, report) call layer_range.
#pragma once
#include <limits>
#include <string>

#include "core/rational.hpp"
#include "core/scalar_facts.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::bounds {

// The facts of a format that the range hypothesis needs (from core/scalar_facts.hpp).
struct FormatLimits {
  std::string name;     // for messages: "fp16"
  int precision = 0;    // significand bits; 0: exact arithmetic (everything holds)
  bool bounded_exponent = false;
  int emin = 0;         // 2^emin is the smallest normal (bounded_exponent only)
  double max_finite = std::numeric_limits<double>::infinity();
  double u = 0;         // unit roundoff
};
FormatLimits format_limits(const ScalarFacts& facts);

struct RangeCheck {
  bool holds = true;
  std::string reason;   // why not ("fp16 overflows: ..."); "" when it holds
  double largest = 0;   // the largest bound on a computed value's magnitude (0 if not reached)
};

// (W) for one number: exactly a value of the format (always true at precision 0).
bool representable(const Rational& value, const FormatLimits& f);

// (W) and (R) for one layer evaluated with score scale `lambda` (ignored without heads),
// on punchcards of `columns` columns whose entries are at most M in magnitude.
RangeCheck layer_range(const LayerSpec& layer, const Rational& lambda, double M, int columns, const FormatLimits& f);
// (R) alone, with lambda given as the largest double it may be (loop_budget: lambda's interval).
RangeCheck layer_values_range(const LayerSpec& layer, double lambda, double M, int columns, const FormatLimits& f);

}  // namespace loopcert::bounds
