// `loopcert verify sigmoid` and `loopcert search terms`: the sigmoid lemma on the
// command line (proofs/sigmoid.md; block in blocks/sigmoid.hpp, bounds in
// bounds/sigmoid.hpp and cert/sigmoid_certificate.hpp, the runs in cert/sigmoid_verify.hpp
// and cert/sigmoid_term_search.hpp, the output in report/sigmoid_output.hpp).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/common.hpp"

namespace loopcert::cli {

struct SigmoidOptions {
  std::string f = "x^2";
  std::string range;  // empty = f's default range
  int terms = 64;
  std::string construction = "both";
  std::string table;  // path for --f table
};

// Adds --f, --range, --terms, --construction, --table to the `verify` subcommand.
void add_sigmoid_verify_options(CLI::App& verify, SigmoidOptions& options);

// Runs `loopcert verify sigmoid`: builds the block for each construction, evaluates it
// with the engine at common.scalar on a grid of 1024 + 8m points plus common.trials
// random points, and compares the largest error with the bound (Theorem 2 or the MPFI
// certificate, plus Theorem 3's rounding term). Prints a table, or with common.json one
// JSON object with at least f, range, terms, construction, max_error, bound, verdict
// (for --construction both: the row with the largest error/bound ratio, and every row
// under "results"). Returns 0 when every bound holds, 1 otherwise; throws UsageError on
// bad input.
int run_verify_sigmoid(const SigmoidOptions& options, const VerifyCommon& common);

struct SearchTermsOptions {
  std::string f = "x^2";
  std::string range;
  std::string table;
  std::string error;  // required, e.g. 1e-3
  std::string scalar = "double";
  std::string construction = "both";
  std::optional<int> terms;   // m for the precision/format part; none: the measured minimum
  int max_terms = 1024;       // staircase measurement cap (evaluating m heads per point)
  int max_fitted_terms = 256; // fitted cap (least squares + certificate per m)
  int trials = 100;
  std::uint64_t seed = 1;
  bool json = false;
};

// Runs `loopcert search terms`: for each construction the smallest m whose bound (a
// priori or certified, plus rounding at --scalar) and the smallest m whose measured
// error are at most --error (doubling, then bisection: assumes the error decreases with
// m, which the properties check for the staircase); then, for one m, the smallest MPFR
// precision (measured and predicted by Theorem 3) and which formats keep the error
// below --error. Progress goes to stderr. Throws UsageError on bad input.
int run_search_terms(const SearchTermsOptions& options);

// Adds the `terms` subcommand to `search` with its options (--f, --range, --error,
// --scalar, --json, ...) and sets `handler` to run it when selected.
void add_search_terms_command(CLI::App& search, Handler& handler);

}  // namespace loopcert::cli
