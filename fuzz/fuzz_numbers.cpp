// libFuzzer target: the number and name syntax of flags (fractions and decimals as exact
// rationals, scalar names). A value that parses must read back from its exact text;
// refusals are std::invalid_argument with a message.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/rational.hpp"
#include "core/scalar_name.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // flag values; a megabyte of digits only measures GMP
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string why;
  if (const auto q = loopcert::try_parse_rational(text, why)) {
    if (loopcert::parse_rational(q->str()) != *q) std::abort();  // exact text "N/D" reads back
  } else if (why.empty()) {
    std::abort();  // a refusal must say why
  }
  try {
    const auto s = loopcert::parse_scalar(text);
    if (loopcert::parse_scalar(s.name()) != s) std::abort();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).empty()) std::abort();
  }
  return 0;
}
