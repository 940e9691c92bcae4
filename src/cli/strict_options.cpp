#include "cli/strict_options.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace loopcert::cli {

namespace {

std::string non_empty(std::string& value) { return value.empty() ? "an empty value is not allowed" : std::string(); }

// The whole text is one integer of type I (optional '-' for signed types, digits only).
template <class I>
std::string whole_integer(std::string& value) {
  I parsed{};
  const char* first = value.data();
  const char* last = value.data() + value.size();
  if (first != last && *first == '+') ++first;  // from_chars does not take '+'
  const auto [end, error] = std::from_chars(first, last, parsed);
  if (error == std::errc::result_out_of_range) return "'" + value + "' is out of range (at most " + std::to_string(std::numeric_limits<I>::max()) + ")";
  if (error != std::errc() || end != last) {
    if constexpr (std::is_unsigned_v<I>) return "'" + value + "' is not a non-negative integer";
    return "'" + value + "' is not an integer";
  }
  return {};
}

void add_checks(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_items_expected_max() == 0) continue;  // a flag
    option->check(CLI::Validator(non_empty, ""));
    const std::string type = option->get_type_name();
    if (type == "INT") option->check(CLI::Validator(whole_integer<std::int64_t>, ""));
    if (type == "UINT") option->check(CLI::Validator(whole_integer<std::uint64_t>, ""));
  }
  for (CLI::App* sub : app.get_subcommands({})) add_checks(*sub);
}

}  // namespace

void add_strict_value_checks(CLI::App& app) { add_checks(app); }

}  // namespace loopcert::cli
