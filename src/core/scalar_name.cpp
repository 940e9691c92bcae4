#include "core/scalar_name.hpp"

#include <stdexcept>

namespace loopcert {

namespace {
struct Named { const char* name; ScalarKind kind; };
constexpr Named kFixed[] = {
    {"float", ScalarKind::Float},     {"double", ScalarKind::Double},   {"long-double", ScalarKind::LongDouble},
    {"float128", ScalarKind::Float128}, {"bf16", ScalarKind::Bf16},     {"fp16", ScalarKind::Fp16},
    {"tf32", ScalarKind::Tf32},       {"fp8e4m3", ScalarKind::Fp8e4m3}, {"fp8e5m2", ScalarKind::Fp8e5m2},
    {"exact", ScalarKind::Exact},
};

long parse_precision(const std::string& text, const std::string& prefix) {
  std::string digits = text.substr(prefix.size());
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("scalar '" + text + "': " + why + " (expected " + prefix + "P with an integer P from 2 to " +
                                std::to_string(kMaxMpfrPrecision) + ", e.g. " + prefix + "200)");
  };
  if (digits.empty()) bad("missing precision");
  long value = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') bad("precision '" + digits + "' is not an integer");
    value = value * 10 + (ch - '0');
    if (value > kMaxMpfrPrecision) bad("precision too large");
  }
  if (value < 2) bad("precision must be at least 2 bits");
  return value;
}
}  // namespace

std::string ScalarSpec::name() const {
  if (kind == ScalarKind::Mpfr) return "mpfr:" + std::to_string(precision);
  if (kind == ScalarKind::Mpfi) return "mpfi:" + std::to_string(precision);
  for (const auto& n : kFixed)
    if (n.kind == kind) return n.name;
  return "?";
}

ScalarSpec parse_scalar(const std::string& text) {
  for (const auto& n : kFixed)
    if (text == n.name) return {n.kind, 0};
  if (text.rfind("mpfr:", 0) == 0) return {ScalarKind::Mpfr, parse_precision(text, "mpfr:")};
  if (text.rfind("mpfi:", 0) == 0) return {ScalarKind::Mpfi, parse_precision(text, "mpfi:")};
  throw std::invalid_argument("unknown scalar '" + text + "' (expected one of " + scalar_names_help() + ")");
}

std::string scalar_names_help() {
  return "float, double, long-double, float128, mpfr:P, bf16, fp16, tf32, fp8e4m3, fp8e5m2, mpfi:P, exact";
}

}  // namespace loopcert
