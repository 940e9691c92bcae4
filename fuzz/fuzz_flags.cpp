// libFuzzer target: the values of real-valued flags (core/real_flag.hpp), the search
// flags' ranges (core/range_flag.hpp: --bits LO..HI, --lambda A..B:STEP, run's
// --product-c power of two) and the ranges
// LO..HI of functions (approx::parse_range, then the target's own checks for each). A
// real that is accepted is a normal double or 0 and reads back from its exact text; a
// range that is accepted for a function is non-empty and within the lemma's limits;
// search range that is accepted is ordered and within its limits; every refusal is an
// std::invalid_argument that names the flag or the range.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "approx/target.hpp"
#include "core/range_flag.hpp"
#include "core/real_flag.hpp"

namespace {

void check_real(const std::string& text) {
  try {
    const loopcert::Rational q = loopcert::parse_real_flag("--flag", text);
    const double d = loopcert::to_double(q);
    if (!std::isfinite(d) || (d == 0 && q != 0) || (d != 0 && std::fabs(d) < loopcert::kSmallestNormalDouble)) std::abort();
    if (loopcert::parse_real_flag("--flag", q.str()) != q) std::abort();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("--flag: ", 0) != 0) std::abort();
  }
}

bool names(const std::invalid_argument& e, const std::string& flag) { return std::string(e.what()).rfind(flag, 0) == 0; }

void check_search_ranges(const std::string& text) {
  try {
    const loopcert::IntegerRange r = loopcert::parse_integer_range_flag("--bits", text, 2, 1 << 20, "2..64");
    if (!(2 <= r.lo && r.lo <= r.hi && r.hi <= (1 << 20))) std::abort();
  } catch (const std::invalid_argument& e) {
    if (!names(e, "--bits")) std::abort();
  }
  try {
    const loopcert::SteppedRange r = loopcert::parse_stepped_range_flag("--lambda", text, 1000, "the limit");
    if (!(r.a > 0 && r.a <= r.b && r.step > 0) || (r.b - r.a) / r.step > 999) std::abort();
  } catch (const std::invalid_argument& e) {
    if (!names(e, "--lambda")) std::abort();
  }
  try {  // run --product-c: an accepted value is exactly 2^c
    const int c = loopcert::parse_power_of_two_flag("--product-c", text, "the test");
    const loopcert::Rational q = loopcert::parse_real_flag("--product-c", text);
    if (q != (c >= 0 ? loopcert::Rational(loopcert::BigInt(1) << c) : loopcert::Rational(1, loopcert::BigInt(1) << -c))) std::abort();
  } catch (const std::invalid_argument& e) {
    if (!names(e, "--product-c")) std::abort();
  }
}

void check_range(const std::string& text) {
  using namespace loopcert::approx;
  std::pair<loopcert::Rational, loopcert::Rational> range;
  try {
    range = parse_range(text);
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("range '", 0) != 0) std::abort();
    return;
  }
  for (const char* name : {"x^2", "x*y", "1/x", "sqrt", "exp", "sigmoid"}) {
    try {
      const Target t = make_target(parse_target_kind(name), range);
      if (!(t.lo < t.hi) || abs(t.lo) > (1 << 20) || abs(t.hi) > (1 << 20)) std::abort();
    } catch (const std::invalid_argument& e) {
      if (std::string(e.what()).empty()) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // flag values; a megabyte of digits only measures GMP
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_real(text);
  check_search_ranges(text);
  check_range(text);
  return 0;
}
