// The scalar types loopcert runs at, named as in DESIGN.md section 4. The same name is
// used on the command line, in JSON and in reports.
#pragma once
#include <string>
#include <vector>

namespace loopcert {

enum class ScalarKind { Float, Double, LongDouble, Float128, Mpfr, Bf16, Fp16, Tf32, Fp8e4m3, Fp8e5m2, Mpfi, Exact };

struct ScalarSpec {
  ScalarKind kind = ScalarKind::Double;
  long precision = 0;  // significand bits for mpfr:P / mpfi:P; 0 otherwise

  std::string name() const;  // "double", "mpfr:200", ...
  bool exact() const { return kind == ScalarKind::Exact; }
  friend bool operator==(const ScalarSpec&, const ScalarSpec&) = default;
};

// Parses a scalar name. Throws std::invalid_argument with a message that lists the
// accepted names (e.g. for "mpfr:1", "mpfr:x" or "fp7").
ScalarSpec parse_scalar(const std::string& text);

// Names accepted by parse_scalar, for --help.
std::string scalar_names_help();

// Largest MPFR precision accepted (MPFR's own limit is far higher; this keeps a typo
// such as mpfr:2000000000 from exhausting memory).
constexpr long kMaxMpfrPrecision = 1 << 20;

}  // namespace loopcert
