// `loopcert verify formats [--program P]`: the example programs in every scalar type at
// its best lambda (src/analysis/search.hpp), with the reason for each failure: the layer
// (block) and the quantity (row) where the error first exceeds the tolerance, and the
// weights the format cannot hold.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace CLI {
class App;
}

namespace loopcert::cli {

struct FormatsOptions {
  std::vector<std::string> programs;  // .sq files, or .fq files (all of one kind); empty: examples/subleq/*.sq
  std::string formats;                // comma-separated scalar names; empty: every format
  std::string resolution = "0.05";
  std::string lambda_max = "100000";
  std::int64_t search_steps = 1000;   // steps of each lambda-search run (the run at the best lambda goes to the end)
  std::int64_t max_steps = 100000;
  std::optional<int> jobs;  // none: one per core (at most 2)
  std::optional<double> data_tolerance;  // .fq programs: T of the real cells (default 1e-6)
};

// Adds --program, --formats, --resolution, --lambda-max, --search-steps, --jobs,
// --data-tolerance to `verify`.
void add_formats_verify_options(CLI::App& verify, FormatsOptions& options);

// Prints the formats table (text, or JSON with common.json). Exit 0 when every format
// the bounds certify (double, long-double, float128) agrees on every program, else 1.
// .fq programs: analysis/formats_study_fleq.hpp (no lambda search: FLEQ's temperatures
// are the compiler's; every format refused or run, with the reason for each failure).
int run_verify_formats(const FormatsOptions& options, const VerifyCommon& common);

}  // namespace loopcert::cli
