#include "core/scalar_facts.hpp"

#include <cfloat>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include "core/emulated_float.hpp"

namespace loopcert {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ScalarFacts binary(const ScalarSpec& s, int p, int emin, double max_finite) {
  ScalarFacts f;
  f.name = s.name();
  f.precision = p;
  f.u_log2 = -p;
  f.unit_roundoff = std::ldexp(1.0, -std::min(p, 1074));
  f.emin = emin;
  f.max_finite = max_finite;
  f.min_subnormal = std::ldexp(1.0, emin - p + 1);  // 0 once below double's range
  return f;
}

ScalarFacts emulated(const ScalarSpec& s, const FormatSpec& format) {
  ScalarFacts f = binary(s, format.precision, format.emin, format.max_finite);
  f.emulated = true;
  return f;
}

ScalarFacts unbounded(const ScalarSpec& s, long p) {
  ScalarFacts f = binary(s, static_cast<int>(p), 0, kInf);
  f.emin = 0;
  f.min_subnormal = 0;
  f.bounded_exponent = false;
  return f;
}

ScalarFacts make_facts(const ScalarSpec& s) {
  switch (s.kind) {
    case ScalarKind::Float: return binary(s, 24, -126, FLT_MAX);
    case ScalarKind::Double: return binary(s, 53, -1022, DBL_MAX);
    case ScalarKind::LongDouble: return binary(s, 64, -16382, kInf);      // LDBL_MAX is beyond double
    case ScalarKind::Float128: return binary(s, 113, -16382, kInf);
    case ScalarKind::Mpfr: return unbounded(s, s.precision);
    case ScalarKind::Mpfi: {
      ScalarFacts f = unbounded(s, s.precision);
      f.runnable = false;
      f.not_runnable = "scalar '" + s.name() + "' is not available for runs (mpfi:P is for certificates)";
      return f;
    }
    case ScalarKind::Bf16: return emulated(s, formats::bf16);
    case ScalarKind::Fp16: return emulated(s, formats::fp16);
    case ScalarKind::Tf32: return emulated(s, formats::tf32);
    case ScalarKind::Fp8e4m3: return emulated(s, formats::fp8e4m3);
    case ScalarKind::Fp8e5m2: return emulated(s, formats::fp8e5m2);
    case ScalarKind::Exact: {
      ScalarFacts f;
      f.name = s.name();
      f.max_finite = kInf;
      f.bounded_exponent = false;
      f.hardmax = true;
      return f;
    }
  }
  return {};
}

}  // namespace

const ScalarFacts& scalar_facts(const ScalarSpec& scalar) {
  // Built once per scalar and kept: callers hold references across a run.
  static std::mutex mutex;
  static std::map<std::pair<int, long>, ScalarFacts> table;
  std::lock_guard lock(mutex);
  const auto key = std::make_pair(static_cast<int>(scalar.kind), scalar.precision);
  auto it = table.find(key);
  if (it == table.end()) it = table.emplace(key, make_facts(scalar)).first;
  return it->second;
}

std::vector<ScalarSpec> engine_scalar_families() {
  return {{ScalarKind::Float, 0},   {ScalarKind::Double, 0}, {ScalarKind::LongDouble, 0}, {ScalarKind::Float128, 0},
          {ScalarKind::Mpfr, 128},  {ScalarKind::Bf16, 0},   {ScalarKind::Fp16, 0},       {ScalarKind::Tf32, 0},
          {ScalarKind::Fp8e4m3, 0}, {ScalarKind::Fp8e5m2, 0}, {ScalarKind::Exact, 0}};
}

}  // namespace loopcert
