// Decimal integers as both program formats write them: optional sign, digits only.
#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace loopcert {

// Decimal integer with optional sign; nullopt if the text is not one. `overflow` is set
// when it is one but does not fit in 64 bits (so messages can still quote it).
inline std::optional<std::int64_t> parse_decimal(const std::string& text, bool& overflow) {
  overflow = false;
  std::size_t start = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) start = 1;
  if (start == text.size()) return std::nullopt;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  // from_chars takes '-' but not '+'.
  const char* first = text.data() + (text[0] == '+' ? 1 : 0);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    overflow = true;
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace loopcert
