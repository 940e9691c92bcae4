#include "cli/strict_options.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/real_flag.hpp"

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

// A real-valued option (a C++ double) reads the one number syntax of core/real_flag.hpp:
// "1/4" is accepted, "0x0.4" and " 0.25" refused, as for --lambda. The value is replaced
// by its double written in full (%.17g, which reads back exactly), so that CLI11's own
// conversion only ever sees a plain decimal.
CLI::Validator real_number(const std::string& flag) {
  return CLI::Validator(
      [flag](std::string& value) -> std::string {
        try {
          const double d = parse_real_flag_double(flag, value);
          char exact[40];
          std::snprintf(exact, sizeof exact, "%.17g", d);
          value = exact;
          return {};
        } catch (const std::invalid_argument& e) {
          const std::string message = e.what();  // "FLAG: why"; CLI11 names the flag itself
          return message.substr(message.find(": ") + 2);
        }
      },
      "");
}

void add_checks(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_items_expected_max() == 0) continue;  // a flag
    option->check(CLI::Validator(non_empty, ""));
    const std::string type = option->get_type_name();
    if (type == "INT") option->check(CLI::Validator(whole_integer<std::int64_t>, ""));
    if (type == "UINT") option->check(CLI::Validator(whole_integer<std::uint64_t>, ""));
    if (type == "FLOAT") option->transform(real_number(option->get_name()));  // transform: it rewrites the value
  }
  for (CLI::App* sub : app.get_subcommands({})) add_checks(*sub);
}

}  // namespace

void add_strict_value_checks(CLI::App& app) { add_checks(app); }

}  // namespace loopcert::cli
