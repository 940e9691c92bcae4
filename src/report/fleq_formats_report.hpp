// The report of `loopcert verify formats --program P.fq` (analysis/formats_study_fleq.hpp):
// per (program, format), refused with the reasons, or run with its result and, for a
// failure, why it fails. Text (a table and the reasons) and JSON.
#pragma once
#include <string>

#include "analysis/formats_study_fleq.hpp"
#include "report/json.hpp"

namespace loopcert::report {

Json fleq_formats_json(const analysis::FleqFormatsStudy& study);
std::string fleq_formats_text(const analysis::FleqFormatsStudy& study);

}  // namespace loopcert::report
