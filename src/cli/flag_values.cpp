#include "cli/flag_values.hpp"

#include <stdexcept>

#include "cli/common.hpp"
#include "core/range_flag.hpp"
#include "core/real_flag.hpp"

namespace loopcert::cli {

ScalarSpec scalar_flag(const std::string& text) {
  try {
    return parse_scalar(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
}

Rational real_flag(const std::string& flag, const std::string& text) {
  try {
    return parse_real_flag(flag, text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

Rational positive_flag(const std::string& flag, const std::string& text) {
  try {
    return parse_positive_flag(flag, text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

int power_of_two_flag(const std::string& flag, const std::string& text, const std::string& why) {
  try {
    return parse_power_of_two_flag(flag, text, why);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

void check_range_flag(const std::string& flag, const Rational& lo, const Rational& hi, const std::string& text) {
  try {
    check_normal_double(flag, lo, text);
    check_normal_double(flag, hi, text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

}  // namespace loopcert::cli
