// `loopcert run`: the transformer and the reference machine in lockstep.
#pragma once
#include <cstdint>
#include <string>

#include "cli/common.hpp"
#include "cli/program_source.hpp"

namespace CLI {
class App;
}

namespace loopcert::cli {

// The flags of `run`, as parsed (checked by run_command).
struct RunArgs {
  ProgramSource source;
  std::string scalar = "double";
  std::string lambda;  // empty: the target's default (FLEQ: the compiler's read temperature)
  std::string product_c;  // FLEQ's product constant C, a power of two; empty: the compiler's
  std::int64_t max_steps = 100000;
  int threads = 1;
  double tolerance = 0.25;
  double data_tolerance = 1e-6;  // FLEQ real cells: |x - x*| / max(1, |x*|) at the end
  bool trace = false, json = false, machine_only = false, decompose = false;
};

// `--trace --json` holds every row for one JSON array, so it is capped; the text trace
// streams (bounded memory at any --max-steps).
inline constexpr std::int64_t kMaxJsonTraceSteps = 1000000;

// Runs the command; returns the exit code (throws UsageError / InputError for bad input).
int run_command(const RunArgs& args);

// Registers `run` and its flags (run_flags.cpp, the one file of `run` that includes CLI11).
void add_run_command(CLI::App& app, Handler& handler);

}  // namespace loopcert::cli
