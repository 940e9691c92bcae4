// The JSON conventions of every loopcert command, in one place: a number that is not
// finite is written as null (JSON has no inf or NaN), an absent optional as null, an
// exact rational as its text. Every `--json` output is built with these.
#pragma once
#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace loopcert::report {

using Json = nlohmann::ordered_json;

// x, or null when x is +-inf or NaN.
inline Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

// The value, or null.
template <class T>
Json optional(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace loopcert::report
