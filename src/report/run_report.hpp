// The report of `loopcert run`: JSON (`--json`) and text, from the lockstep driver's
// RunResult and the run's certificate. Machine-agnostic: the machine's own words come
// from its target (trace header, bounds summary, the program line).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/certificate.hpp"
#include "analysis/lockstep.hpp"
#include "compile/machine.hpp"

namespace loopcert::report {

struct RunContext {
  std::string program;          // the source, as given
  std::string description;      // text: what follows the program's name on its line
  int bits = 0;                 // JSON `bits` (the machine's word size)
  bool lambda_default = false;  // lambda was not given
  std::string lambda_default_text;  // text: how the default is chosen
  double tolerance = 0.25;
  bool trace = false;
  std::string trace_header;     // LoopTarget::trace_header
  const Layout* layout = nullptr;
  compile::BoundsSummary bounds;
  analysis::RunCertificate certificate;
  // Text: when set, the bounds line's verdict in place of certificate_text (a machine
  // whose loop theorem is not stated as a temperature budget: FLEQ).
  std::string verdict;
};

// Cells as a JSON object name -> value; `hidden` selects the hidden or the declared ones.
nlohmann::json memory_json(const std::vector<compile::Cell>& cells, bool hidden);

nlohmann::json run_json(const analysis::RunResult& r, const RunContext& c);
std::string run_text(const analysis::RunResult& r, const RunContext& c);
// The text trace in parts, so that `run --trace` can stream it loop by loop: the header
// (LoopTarget::trace_header and the tracked layers), one line per loop, the footer.
std::string trace_header_text(const std::string& instruction_header, const std::vector<std::string>& layer_names);
std::string trace_row_text(const analysis::TraceRow& row);
std::string trace_footer_text(const std::vector<std::string>& layer_names);

// The certificate line's verdict, e.g. "every loop exact (proofs/subleq_loop.md)".
std::string certificate_text(const analysis::RunCertificate& c, const std::string& scalar, const std::string& theorem);

}  // namespace loopcert::report
