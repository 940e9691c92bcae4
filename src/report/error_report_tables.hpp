// The tables of the error report, built once from an ErrorReport and rendered by both
// the HTML and the Markdown writer: the two show the same cells, character for character.
#pragma once
#include <string>
#include <vector>

#include "report/error_report.hpp"

namespace loopcert::report {

struct ReportTable {
  std::string id, title, caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<int>> tone;  // per cell: 0 plain, 1 good, -1 bad (HTML colours)
};

ReportTable verdict_table(const ErrorReport& r);
ReportTable minimum_settings_table(const ErrorReport& r);
ReportTable formats_table(const ErrorReport& r);
ReportTable layer_table(const ProgramReport& p);
ReportTable disagreement_table(const ErrorReport& r);
ReportTable lemma_table(const ErrorReport& r);              // error_report_lemmas.cpp
ReportTable sigmoid_table(const SigmoidSection& s);         // error_report_sigmoid.cpp

}  // namespace loopcert::report
