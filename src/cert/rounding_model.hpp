// The rounding model of each target scalar for the interval evaluation
// (core/interval_scalar.hpp): what every verdict of the interval certificate is sound for.
// Built from the one table of scalar facts (core/scalar_facts.hpp) and the exp models
// of the soundness issue (bounds::exp_model, bounds/rounding.hpp).
#pragma once
#include <string>

#include "core/interval_scalar.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cert {

// + - * / within u |z| + eta (u = 2^-p, eta half the smallest subnormal; MPFR: no eta),
// exp within bounds::exp_model(scalar), beyond the largest finite value: unknown. The
// emulated formats compute in double and round once to the format, so a division can be
// rounded twice: they are modelled with u = 2^-(p-1), which covers that. Exact: no
// widening (the enclosures are of exact real arithmetic).
RoundingModel rounding_model(const ScalarSpec& scalar);

// One line: what an enclosure under `model` is sound for.
std::string sound_for(const RoundingModel& model);

}  // namespace loopcert::cert
