// `loopcert report` (issue 13): the error report a person reads. measure() runs the
// programs at the scalars (lockstep with the exact machine), the searches and one loop's
// attention; the writers turn the same ErrorReport into index.html (inline SVG, no
// scripts), report.md, data.json and CSVs. Every number the page and the Markdown show
// is in data.json under the same name, written by the same formatter (fmt_number).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/scalar_name.hpp"
#include "report/json.hpp"

namespace loopcert::report {

struct ReportProgram {
  std::string name;                    // short name ("factorial", "official ftrl")
  std::string path, cmds, mem, layout; // a .sq file, or the official CSV pair and its layout
};

struct ReportOptions {
  std::vector<ReportProgram> programs;
  std::vector<ScalarSpec> scalars;
  bool quick = false;
  int jobs = 2;
  std::function<void(const std::string&)> log;  // progress lines
};

struct ScalarVerdict {
  std::string scalar, engine;
  bool agree = false, halted = false;
  std::int64_t loops = 0, steps = 0;
  std::string divergence;              // "" or "loop K: FIELD expected E, got A (in LAYER)"
  bool certified = false;              // the rounding budget at this scalar (bounds)
  bool certified_exact = false;        // the loop theorem in exact arithmetic
  int needs_bits = -1;
  double max_drift = 0;
  std::vector<double> drift;           // after every loop
  double seconds = 0;
};

struct LayerBar {
  std::string layer;
  double error = 0;                    // largest error over the run against the hardmax ideal
  std::int64_t loop = 0;
  std::string row;
};

struct ProgramReport {
  std::string name;
  int bits = 0, columns = 0, layers = 0, heads = 0, commands = 0;
  std::int64_t steps = 0;
  double default_lambda = 0;
  std::vector<ScalarVerdict> scalars;
  std::vector<LayerBar> layer_peaks;   // at double
  std::optional<double> lambda_min;    // measured at double (resolution 1/4)
  double lambda_predicted = 0;         // bounds, exact arithmetic
  std::optional<long> bits_min;        // measured MPFR precision at the default lambda
  int bits_predicted = -1;
};

struct PhaseDiagram {
  std::string program;
  std::vector<double> lambdas;
  std::vector<long> bits;
  std::vector<std::vector<int>> agree;  // [bits][lambda]: 1 agrees, 0 diverges
  std::vector<int> predicted_bits;      // per lambda, -1: none
};

struct AttentionMap {
  std::string program, layer, head;
  std::int64_t loop = 0;
  std::vector<std::string> columns;     // column names (the layout's)
  std::vector<std::vector<double>> weights;  // weights[query column][key column]
};

struct Disagreement {
  std::string topic, paper, loopcert, evidence;
};

// One lemma at one scalar, from `loopcert verify`'s lemma checks (analysis/lemma_checks.hpp):
// the largest observed error over `trials` random and `trials` worst-case inputs, the bound
// at that trial, and the largest observed / bound ratio.
struct LemmaRow {
  std::string lemma, scalar, bound_function;
  int trials = 0;  // per kind of input
  double random_observed = 0, random_bound = 0, random_ratio = 0;
  double worst_observed = 0, worst_bound = 0, worst_ratio = 0;
  int violations = 0;
  std::string unavailable;  // not empty: why this scalar cannot run the check
};

// One construction of the sigmoid lemma (cert::verify_block) and its curves on a grid.
struct SigmoidCurve {
  std::string construction, width;
  double max_error = 0;  // over the verify_block points (grid and random)
  int points = 0;
  double bound = 0, bound_approximation = 0, bound_rounding = 0;
  bool certified = false, holds = false;
  std::vector<double> approximation, error;  // on SigmoidSection::x
};

struct SigmoidSection {
  std::string target, range, scalar;
  int terms = 0;
  std::vector<double> x, target_values;  // the plot grid and f on it
  std::vector<SigmoidCurve> curves;      // staircase, fitted
};

struct ErrorReport {
  std::string generated;                // UTC date and time
  bool quick = false;
  std::vector<std::string> scalars;
  std::vector<ProgramReport> programs;
  std::optional<PhaseDiagram> phase;
  std::vector<AttentionMap> attention;
  std::vector<Disagreement> disagreements;
  std::vector<LemmaRow> lemmas;           // lemma-major: every scalar of one lemma, then the next
  std::optional<SigmoidSection> sigmoid;
  double seconds = 0;
};

// The default programs: examples/subleq/*.sq and the authors' four CSV pairs (when
// `official_dir` holds them); `quick`: factorial, fibonacci and the authors' ftrl.
std::vector<ReportProgram> default_programs(const std::string& source_dir, const std::string& official_dir, bool quick);
std::vector<ScalarSpec> default_scalars(bool quick);

ErrorReport measure(const ReportOptions& options);

// The one number format of the report (3 significant digits, "inf", "-").
std::string fmt_number(double x);

Json to_json(const ErrorReport& r);
// The inverse of to_json (for `report --merge`); throws std::invalid_argument naming the
// key when `j` is not a loopcert-report/1 document.
ErrorReport from_json(const Json& j);
// The derived parts of a report (the disagreements with the paper), from its measurements.
std::vector<Disagreement> disagreements(const ErrorReport& r);
std::string to_markdown(const ErrorReport& r);
std::string to_html(const ErrorReport& r);
// Writes index.html, report.md, data.json and the plots' CSVs into `dir` (created).
void write_report(const ErrorReport& r, const std::string& dir);

}  // namespace loopcert::report
