#include "cli/run_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "analysis/bounds.hpp"
#include "analysis/lockstep.hpp"
#include "cli/program_source.hpp"
#include "core/rational.hpp"
#include "isa/errors.hpp"
#include "tf/layout.hpp"

namespace loopcert::cli {

namespace {

struct RunArgs {
  ProgramSource source;
  std::string scalar = "double";
  std::string lambda;  // empty: the default from the bounds
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  bool trace = false, json = false, machine_only = false;
};

nlohmann::json memory_json(const isa::SubleqProgram& p, const std::vector<std::int64_t>& memory) {
  nlohmann::json out = nlohmann::json::object();
  for (int m = 0; m < p.cells() && m < static_cast<int>(memory.size()); ++m) out[p.cell_names[m]] = memory[m];
  return out;
}

int run(const RunArgs& args) {
  isa::SubleqProgram program = load_program(args.source);
  if (args.max_steps < 0) throw UsageError("--max-steps must be >= 0");
  if (!(args.tolerance > 0 && args.tolerance < 1)) throw UsageError("--tolerance must lie in (0, 1)");

  if (args.machine_only) {
    analysis::RunResult r = analysis::run_machine_only(program, args.max_steps);
    if (args.json) {
      nlohmann::json j{{"program", program.source}, {"scalar", nullptr}, {"steps", r.steps}, {"halted", r.halted},
                       {"memory", memory_json(program, r.memory)}};
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << fmt::format("{}: reference machine, {} steps, {}\n", program.source, r.steps,
                               r.halted ? "halted" : "did not halt within --max-steps");
      for (int m = 0; m < program.cells(); ++m) std::cout << fmt::format("  {} = {}\n", program.cell_names[m], r.memory[m]);
    }
    return kSuccess;
  }

  analysis::RunOptions options;
  try {
    options.scalar = parse_scalar(args.scalar);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
  const Layout layout(program.scratch, program.cells(), program.command_count());
  const int n = layout.columns(), L = layout.address_bits();
  const bounds::LoopConstants k = bounds::LoopConstants::from(options.params);
  const double e = k.threshold, C = k.write_gate;
  bool default_lambda = args.lambda.empty();
  if (default_lambda) {
    const double lambda = bounds::default_lambda(n, L, k);
    options.params.lambda = parse_rational(fmt::format("{}", lambda));
  } else {
    try {
      options.params.lambda = parse_rational(args.lambda);
    } catch (const std::invalid_argument& ex) {
      throw UsageError(std::string("--lambda: ") + ex.what());
    }
    if (options.params.lambda <= 0) throw UsageError("--lambda must be positive (got " + args.lambda + ")");
  }
  options.max_steps = args.max_steps;
  options.trace = args.trace;
  options.tolerance = args.tolerance;
  if (!args.json)
    options.progress = [](std::int64_t loops, std::int64_t) { std::cerr << "\r  ... " << loops << " loops" << std::flush; };

  analysis::RunResult r;
  try {
    r = analysis::run_lockstep(program, options);
  } catch (const std::invalid_argument& ex) {
    throw UsageError(program.source + ": cannot build the transformer: " + ex.what());
  }
  if (options.progress && r.loops >= 1000) std::cerr << "\r" << std::string(30, ' ') << "\r";

  const double lambda_value = to_double(options.params.lambda);
  const double read_bound = bounds::loop_read_error(n, L, lambda_value);
  const double write_bound = bounds::loop_write_error(n, L, lambda_value, C);
  if (args.json) {
    nlohmann::json j;
    j["program"] = program.source;
    j["scalar"] = r.scalar;
    j["lambda"] = lambda_value;
    j["lambda_exact"] = r.lambda;
    j["lambda_default"] = default_lambda;
    j["steps"] = r.steps;
    j["loops"] = r.loops;
    j["halted"] = r.halted;
    j["agree"] = r.agree;
    j["memory"] = memory_json(program, r.memory);
    j["max_drift"] = r.max_drift;
    j["max_drift_loop"] = r.max_drift_loop;
    j["tolerance"] = args.tolerance;
    j["margin"] = args.tolerance - r.max_drift;
    if (r.first_divergence) {
      const auto& d = *r.first_divergence;
      j["first_divergence"] = {{"loop", d.loop}, {"field", d.field}, {"expected", d.expected}, {"actual", d.actual}, {"detail", d.detail}};
    } else {
      j["first_divergence"] = nullptr;
    }
    j["layers"] = r.layers;
    j["heads"] = r.heads;
    j["max_heads_per_layer"] = r.max_heads_per_layer;
    j["rows"] = r.rows;
    j["columns"] = r.columns;
    j["hidden_units"] = r.hidden_units;
    j["bits"] = program.bits;
    j["bounds"] = {{"read", read_bound}, {"write", write_bound}, {"snap", k.snap}, {"threshold", e},
                   {"certified", bounds::loop_is_exact(n, L, lambda_value, k)}};
    j["seconds"] = r.seconds;
    if (args.trace) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& t : r.trace)
        rows.push_back({{"loop", t.loop}, {"pc", t.pc}, {"a", program.cell_names[t.a]}, {"b", program.cell_names[t.b]},
                        {"c", t.c}, {"value", t.value}, {"drift", t.drift}});
      j["trace"] = rows;
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("program      {} (N = {} bits, s = {}, m = {}, {} commands, n = {} columns)\n", program.source,
                             program.bits, program.scratch, program.cells(), program.command_count(), n);
    std::cout << fmt::format("scalar       {}, lambda = {}{}\n", r.scalar, lambda_value,
                             default_lambda ? " (default: smallest on a 0.5 grid where the read and write bounds stay below half their thresholds)" : "");
    std::cout << fmt::format("transformer  {} layers per loop, {} heads ({} at most per layer), d = {} rows, {} ReLUs\n", r.layers,
                             r.heads, r.max_heads_per_layer, r.rows, r.hidden_units);
    std::cout << fmt::format("bounds       read {:.3g} (snap at {}), write {:.3g} (corrected at {}) -> {}\n", read_bound, k.snap, write_bound, e,
                             bounds::loop_is_exact(n, L, lambda_value, k) ? "every loop exact (proofs/subleq_loop.md)"
                                                                              : "not certified at this lambda");
    if (args.trace) {
      std::cout << "\n  loop    pc  command                         new value  drift\n";
      for (const auto& t : r.trace)
        std::cout << fmt::format("  {:>5} {:>5}  subleq {:>8}, {:>8}, {:>5}  {:>9}  {:.2e}\n", t.loop, t.pc, program.cell_names[t.a],
                                 program.cell_names[t.b], t.c, t.value, t.drift);
      std::cout << "\n";
    }
    std::cout << fmt::format("run          {} steps, {}, {} loops; {} in {:.3f} s\n", r.steps,
                             r.halted ? "halted" : "stopped at --max-steps", r.loops,
                             r.agree ? "transformer and reference agree at every loop" : "DIVERGED", r.seconds);
    std::cout << fmt::format("drift        max {:.3g} (loop {}), tolerance {}, margin {:.3g}\n", r.max_drift, r.max_drift_loop,
                             args.tolerance, args.tolerance - r.max_drift);
    if (r.first_divergence) {
      const auto& d = *r.first_divergence;
      std::cout << fmt::format("divergence   loop {}: {} expected {}, got {} {}\n", d.loop, d.field, d.expected, d.actual, d.detail);
    }
    std::cout << "memory\n";
    for (int m = 0; m < program.cells(); ++m) std::cout << fmt::format("  {:>12} = {}\n", program.cell_names[m], r.memory[m]);
  }
  return r.agree ? kSuccess : kCheckFailed;
}

}  // namespace

void add_run_command(CLI::App& app, Handler& handler) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run_cmd = app.add_subcommand("run", "Run a SUBLEQ program on the looped transformer in lockstep with the exact machine");
  run_cmd->add_option("PROGRAM", args->source.path, "program in .sq assembly");
  run_cmd->add_option("--cmds", args->source.cmds, "official CSV commands file (header a,b,c)");
  run_cmd->add_option("--mem", args->source.mem, "official CSV memory file (header mem)");
  run_cmd->add_option("--layout", args->source.layout, "official CSV layout s,m,n,N");
  run_cmd->add_option("--scalar", args->scalar, "scalar type: double, float, long-double, mpfr:P, exact (hardmax)")->capture_default_str();
  run_cmd->add_option("--lambda", args->lambda,
                      "softmax temperature, exact decimal or fraction (default: the smallest on a 0.5 grid that the bounds certify)");
  run_cmd->add_option("--max-steps", args->max_steps, "stop after this many reference steps")->capture_default_str();
  run_cmd->add_option("--tolerance", args->tolerance, "decode tolerance: an entry is a bit only within this of +-1")->capture_default_str();
  run_cmd->add_flag("--trace", args->trace, "print every loop: pc, the command, the new value and the drift");
  run_cmd->add_flag("--json", args->json, "print one JSON object on stdout");
  run_cmd->add_flag("--machine-only", args->machine_only, "run the exact reference machine only");
  run_cmd->callback([&handler, args] { handler = [args] { return run(*args); }; });
}

}  // namespace loopcert::cli
