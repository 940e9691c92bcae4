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
// Every figure of the page, in page order (write_report also saves each as figures/ID.svg).
std::vector<ReportFigure> all_figures(const ErrorReport& r);
// The file name of a figure: its id with every character but [A-Za-z0-9_-] as '-'.
std::string figure_file(const ReportFigure& f);

}  // namespace loopcert::report
