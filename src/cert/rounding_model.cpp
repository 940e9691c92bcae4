#include "cert/rounding_model.hpp"

#include <fmt/format.h>

#include "bounds/rounding.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::cert {

RoundingModel rounding_model(const ScalarSpec& scalar) {
  const ScalarFacts& f = scalar_facts(scalar);
  RoundingModel m;
  m.target = f.name;
  if (f.precision == 0) {
    m.target = "exact reals";
    return m;
  }
  m.precision = f.emulated ? f.precision - 1 : f.precision;
  m.has_eta = f.bounded_exponent;
  m.emin = f.bounded_exponent ? f.emin : 0;
  m.eta_log2 = f.emin - f.precision;  // half of the smallest subnormal 2^(emin - p + 1)
  m.max_finite = f.max_finite;
  const bounds::ExpModel e = bounds::exp_model(scalar);
  m.exp_units = e.units;
  m.exp_has_absolute = e.has_absolute;
  m.exp_absolute_log2 = e.absolute_log2;
  return m;
}

std::string sound_for(const RoundingModel& m) {
  if (m.precision == 0) return "exact real arithmetic (MPFI enclosures, outward rounded)";
  std::string ops = fmt::format("{}: every + - * / within 2^-{} relative", m.target, m.precision);
  if (m.has_eta) ops += fmt::format(" + 2^{} absolute", m.eta_log2);
  ops += fmt::format(", exp within {} x 2^-{} relative", m.exp_units, m.precision);
  if (m.exp_has_absolute) ops += fmt::format(" + 2^{} absolute (bounds::exp_model)", m.exp_absolute_log2);
  ops += ", dot products and softmax sums in any summation order (FMA allowed)";
  if (std::isfinite(m.max_finite)) ops += fmt::format(", a value that may exceed {:.3g} is unknown (overflow)", m.max_finite);
  return ops;
}

}  // namespace loopcert::cert
