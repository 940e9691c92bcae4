// One table of scalar facts: what every analysis needs to know of a scalar type
// (significand bits, unit roundoff, exponent range, largest finite value, whether the
// engine runs at it and with which attention). Every per-scalar number in loopcert comes
// from here; nothing else switches on ScalarKind for a fact.
#pragma once
#include <string>
#include <vector>

#include "core/scalar_name.hpp"

namespace loopcert {

struct ScalarFacts {
  std::string name;            // "double", "mpfr:200", ...
  int precision = 0;           // significand bits p, the hidden bit included; 0 for exact
  // Unit roundoff u = 2^-p (round to nearest), as a double; 0 for exact. For p > 1074 it
  // underflows double: u_log2 = -p keeps it exactly, and unit_roundoff() stays positive
  // (2^-1074, which is >= u, so a bound computed from it is never below the true one).
  double unit_roundoff = 0;
  long u_log2 = 0;             // log2(u) = -p; 0 for exact
  int emin = 0;                // exponent of the smallest normal number (2^emin); 0 if unbounded
  double max_finite = 0;       // largest finite value (+inf: beyond double, or unbounded)
  double min_subnormal = 0;    // smallest positive value (eta), 0 when below double's range or unbounded
  bool bounded_exponent = true;// false for MPFR, MPFI and exact
  bool emulated = false;       // bf16, fp16, tf32, fp8e4m3, fp8e5m2 (computed in double, rounded)
  bool hardmax = false;        // exact: the engine runs hardmax attention
  bool runnable = true;        // the engine runs at this scalar (mpfi:P is for certificates)
  std::string not_runnable;    // why not, when !runnable
};

// The facts of one scalar (ScalarSpec::name() and parse_scalar() give the names).
const ScalarFacts& scalar_facts(const ScalarSpec& scalar);

// Every scalar family the engine runs at, one representative each, in the order of
// DESIGN.md section 4 (mpfr:P as mpfr:128).
std::vector<ScalarSpec> engine_scalar_families();

}  // namespace loopcert
