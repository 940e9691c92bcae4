// The `; expect CELL = VALUE [within TOL]` lines of a `.fq` example (README "FLEQ
// programs"): what the program claims to compute, checked by tests against the exact
// machine so that a program and its claimed results cannot drift apart.
#pragma once
#include <string>
#include <vector>

#include "isa/fleq/machine.hpp"
#include "isa/fleq/matrix.hpp"

namespace loopcert::isa::fleq {

// VALUE is a number or a matrix literal as in `.real`; `steps` names the step count.
// Without `within`, the value must be met exactly; with it, every entry satisfies
// |x - v| <= TOL * max(1, |v|) (the mixed measure of `loopcert run --data-tolerance`).
struct Expectation {
  std::string cell;
  Matrix value;
  Rational tolerance = 0;
  int line = 0;
};

// Every expect line of `text`; a malformed one is an InputError at file:line:col.
std::vector<Expectation> parse_expectations(const std::string& text, const std::string& file);

// One message per unmet expectation (an undeclared cell, a wrong shape, a value off by
// more than its tolerance, a run that did not halt); empty when all hold.
std::vector<std::string> expectation_failures(const FleqProgram& program, const RunResult& run,
                                              const std::vector<Expectation>& expectations);

}  // namespace loopcert::isa::fleq
