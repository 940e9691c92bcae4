#include "core/memory_limits.hpp"

#include <mpfr.h>
#include <unistd.h>

#include <cstdio>

namespace loopcert {

std::uint64_t scalar_value_bytes(const ScalarSpec& scalar) {
  switch (scalar.kind) {
    case ScalarKind::Float: return sizeof(float);
    case ScalarKind::LongDouble: return sizeof(long double);
    case ScalarKind::Float128: return 16;
    case ScalarKind::Mpfr:
    case ScalarKind::Mpfi: {
      const std::uint64_t limbs = (static_cast<std::uint64_t>(scalar.precision) + 63) / 64;
      const std::uint64_t one = sizeof(__mpfr_struct) + 8 * limbs;
      return scalar.kind == ScalarKind::Mpfi ? 2 * one : one;
    }
    case ScalarKind::Exact: return 32 + 2 * 8;  // mpq_t's struct and a limb for each of its integers
    default: return sizeof(double);             // double, and the formats emulated in double
  }
}

std::uint64_t run_memory_limit_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t{8} << 30;  // unknown: 8 GiB
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 2;
}

std::string bytes_text(double bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 5) bytes /= 1000, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.3g %s", bytes, units[unit]);
  return text;
}

}  // namespace loopcert
