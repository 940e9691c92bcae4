// What the bounds certify for one run: the loop theorem in exact arithmetic at the run's
// temperature, and the rounding-aware budget at the run's own scalar (issue 10 defect 3:
// a run at mpfr:12 is not certified because double would be). When the scalar is not
// certified: the MPFR precision the budget needs at this temperature, and the smallest
// temperature (a multiple of 1/2) at which this scalar's budget holds.
#pragma once
#include <optional>

#include "compile/machine.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::analysis {

struct RunCertificate {
  bool exact = false;                 // the loop theorem holds at lambda in exact arithmetic
  bool at_scalar = false;             // ... and the rounding budget at the run's scalar
  int needs_bits = -1;                // smallest MPFR precision the budget predicts at lambda (-1: none)
  std::optional<double> needs_lambda; // smallest lambda (multiple of 1/2, <= 200) certified at the scalar
};

RunCertificate certify_run(const compile::Predictors& predict, const ScalarSpec& scalar, const Rational& lambda);

}  // namespace loopcert::analysis
