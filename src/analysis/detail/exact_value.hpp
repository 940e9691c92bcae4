// A scalar's value as an exact rational, for every scalar the engine runs: what the
// lockstep driver hands a machine that checks a bound on the transformer's own state
// (compile::MachineAdapter::read_exact). Every conversion is exact: a narrow or emulated
// value is held in a double or long double carrier; float128 splits into three doubles.
#pragma once
#include <mpfr.h>

#include <type_traits>

#include "core/mpfr_rational.hpp"
#include "core/rational.hpp"
#include "core/scalar.hpp"

namespace loopcert::analysis::detail {

inline Rational exact_long_double(long double v) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_ld(x, v, MPFR_RNDN);  // exact: 64 significand bits
  Rational q = exact_rational(x);
  mpfr_clear(x);
  return q;
}

// Non-finite values have no rational: 0 (the run has stopped on them already).
template <class T>
Rational exact_value(const T& v) {
  if constexpr (std::is_same_v<T, Rational>) {
    return v;
  } else if constexpr (std::is_same_v<T, MpfrReal>) {
    if (!loopcert::isfinite(v)) return Rational(0);
    return exact_rational(v.raw());
  } else if constexpr (std::is_same_v<T, Float128>) {
    if (!boost::multiprecision::isfinite(v)) return Rational(0);
    const double hi = static_cast<double>(v);
    const Float128 r1 = v - Float128(hi);  // exact: each step removes at least 53 of the 113 bits
    const double mid = static_cast<double>(r1);
    const double lo = static_cast<double>(r1 - Float128(mid));
    return Rational(hi) + Rational(mid) + Rational(lo);
  } else if constexpr (std::is_same_v<T, long double>) {
    return std::isfinite(v) ? exact_long_double(v) : Rational(0);
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::isfinite(v) ? Rational(static_cast<double>(v)) : Rational(0);
  } else {  // narrow MPFR and emulated formats: the carrier holds the value
    const auto carrier = v.value();
    if (!std::isfinite(carrier)) return Rational(0);
    if constexpr (std::is_same_v<std::decay_t<decltype(carrier)>, long double>) return exact_long_double(carrier);
    else return Rational(static_cast<double>(carrier));
  }
}

}  // namespace loopcert::analysis::detail
