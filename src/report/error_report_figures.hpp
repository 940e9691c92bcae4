// The figures of the error report, drawn with report/svg.hpp from an ErrorReport.
#pragma once
#include <string>
#include <vector>

#include "report/error_report.hpp"
#include "report/svg.hpp"

namespace loopcert::report {

struct ReportFigure {
  std::string id, title, caption;
  Figure figure;
};

ReportFigure drift_figure(const ProgramReport& p);
ReportFigure layer_figure(const ProgramReport& p);
ReportFigure phase_figure(const PhaseDiagram& d);
ReportFigure attention_figure(const AttentionMap& a);
ReportFigure lemma_figure(const ErrorReport& r);                          // error_report_lemmas.cpp
std::vector<ReportFigure> sigmoid_figures(const SigmoidSection& s);      // error_report_sigmoid.cpp

}  // namespace loopcert::report
