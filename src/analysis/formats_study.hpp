// The study behind `loopcert verify formats`: every program at every scalar format, at the
// format's best lambda (search.hpp), with where and why each failing run breaks, what
// breaks just outside the agreeing lambda interval, and which weights the format cannot
// hold. Plain results; the text and JSON are report/formats_report.hpp.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/lockstep.hpp"
#include "analysis/search.hpp"
#include "bounds/precision.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/scalar.hpp"
#include "isa/subleq/program.hpp"

namespace loopcert::analysis {

// One weight the format holds as a different value (or not at all).
struct WeightChange {
  std::string where;  // "arithmetic: W2 -> diff[0]"
  Rational exact;
  std::optional<Rational> held;  // nullopt: inf or NaN
  double relative = 0;
};

struct WeightReport {
  int total = 0, changed = 0, non_finite = 0;
  std::vector<WeightChange> worst;  // largest relative changes (non-finite first), distinct values, at most 3
  std::string lambda_note;          // lambda itself rounded
};

// Every weight and bias of the compiled loop, held in format s.
WeightReport weight_report(const compile::CompiledSubleq& compiled, const ScalarSpec& s);
// "where exact -> held".
std::string describe(const WeightChange& w);
// Where a run broke: the divergence, and the per-layer errors of that loop ("" if none).
std::string describe_break(const RunResult& r, const Layout& layout);
// A lambda as the formats table prints it ({:g} of its double).
std::string lambda_label(const Rational& lambda);

// One (program, format) pair.
struct FormatRow {
  std::string program, format;
  LambdaSearch search;
  std::optional<RunResult> run;  // at the best lambda, tracked, to the end
  WeightReport weights;
  bounds::LoopBudget budget;
  std::string reason;        // why the run at the best lambda fails ("" when it agrees)
  std::string below, above;  // why lambda_min - resolution and lambda_max + resolution fail
};

struct FormatsStudyOptions {
  Rational resolution, lambda_cap;
  std::int64_t search_steps = 1000;  // steps of each lambda-search run
  std::int64_t max_steps = 100000;   // the run at the best lambda
  int threads = 1;                   // pairs studied in parallel
  std::function<void(const std::string&)> progress;  // one line per start and end of a pair; may be empty
};

struct FormatsStudy {
  std::vector<FormatRow> rows;         // program-major, formats in the given order
  bool certified_formats_agree = true;  // double, long-double and float128 agree on every program
};

// Throws std::invalid_argument for a program or format the engine cannot run.
FormatsStudy study_formats(const std::vector<isa::SubleqProgram>& programs, const std::vector<ScalarSpec>& formats,
                           const FormatsStudyOptions& options);

}  // namespace loopcert::analysis
