// The reports of `loopcert verify formats`: the JSON document and the text table (with
// the reasons for each failure and what breaks at the ends of each lambda interval).
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/formats_study.hpp"

namespace loopcert::report {

// What the study was asked for, echoed in the report.
struct FormatsContext {
  Rational resolution, lambda_cap;
  std::int64_t search_steps = 0;
};

// Keys sorted (nlohmann::json), as the command has always written them.
nlohmann::json formats_json(const analysis::FormatsStudy& study, const FormatsContext& context);
std::string formats_text(const analysis::FormatsStudy& study, const FormatsContext& context);

}  // namespace loopcert::report
