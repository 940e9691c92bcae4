#include "cli/run_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "bounds/subleq_loop.hpp"
#include "analysis/lockstep.hpp"
#include "cli/program_source.hpp"
#include "cli/search_command.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/scalar_name.hpp"
#include "core/rational.hpp"
#include "core/input_error.hpp"
#include "tf/layout.hpp"

namespace loopcert::cli {

namespace {

struct RunArgs {
  ProgramSource source;
  std::string scalar = "double";
  std::string lambda;  // empty: the default from the bounds
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  bool trace = false, json = false, machine_only = false, decompose = false;
};

// JSON has no infinity: non-finite numbers are written as null.
nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json divergence_json(const analysis::Divergence& d) {
  nlohmann::json j{{"loop", d.loop}, {"field", d.field}, {"expected", d.expected}, {"actual", d.actual}, {"detail", d.detail}};
  j["layer"] = d.layer.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.layer);
  j["quantity"] = d.quantity.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.quantity);
  return j;
}

nlohmann::json peak_json(const analysis::LayerPeak& p) {
  return {{"layer", p.layer}, {"error", number(p.error)}, {"loop", p.loop}, {"row", p.row}, {"column", p.column}};
}

nlohmann::json memory_json(const isa::SubleqProgram& p, const std::vector<std::int64_t>& memory) {
  nlohmann::json out = nlohmann::json::object();
  for (int m = 0; m < p.cells() && m < static_cast<int>(memory.size()); ++m) out[p.cell_names[m]] = memory[m];
  return out;
}

int run(const RunArgs& args) {
  isa::SubleqProgram program = load_program(args.source);
  if (args.max_steps < 0) throw UsageError("--max-steps must be >= 0");
  if (!(args.tolerance > 0 && args.tolerance < 1)) throw UsageError("--tolerance must lie in (0, 1)");
  // The transformer's flags are checked even when only the machine runs: a mistyped
  // flag should not pass unnoticed because of another flag.
  analysis::RunOptions options;
  try {
    options.scalar = parse_scalar(args.scalar);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
  const bool default_lambda = args.lambda.empty();
  if (!default_lambda) options.params.lambda = parse_positive("--lambda", args.lambda);

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

  check_transformer_size(program);
  const Layout layout = compile::subleq_layout(program);  // named rows, for the trace
  const int n = layout.columns(), L = layout.address_bits();
  const bounds::LoopConstants k = compile::loop_constants(options.params);
  const double e = k.threshold, C = k.write_gate;
  if (default_lambda) {
    const double lambda = bounds::default_lambda(n, L, k);
    options.params.lambda = parse_rational(fmt::format("{}", lambda));
  }
  options.max_steps = args.max_steps;
  options.trace = args.trace;
  options.tolerance = args.tolerance;
  if (!args.json)
    options.progress = [](std::int64_t loops, std::int64_t) { std::cerr << "\r  ... " << loops << " loops" << std::flush; };

  options.decompose = args.decompose;
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
    j["max_drift"] = number(r.max_drift);
    j["max_drift_loop"] = r.max_drift_loop;
    j["max_drift_layer"] = r.max_drift_layer.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.max_drift_layer);
    j["final_drift"] = number(r.final_drift);
    j["tolerance"] = args.tolerance;
    j["margin"] = number(args.tolerance - r.max_drift);
    j["first_divergence"] = r.first_divergence ? divergence_json(*r.first_divergence) : nlohmann::json(nullptr);
    if (r.first_divergence && !r.divergence_layers.empty()) {
      nlohmann::json layers = nlohmann::json::array();
      for (std::size_t l = 0; l < r.divergence_layers.size(); ++l)
        layers.push_back({{"layer", r.layer_names[l]},
                          {"error", number(r.divergence_layers[l].error)},
                          {"row", r.divergence_layers[l].row >= 0 ? layout.describe_row(r.divergence_layers[l].row) : ""},
                          {"column", r.divergence_layers[l].column >= 0 ? layout.describe_column(r.divergence_layers[l].column) : ""}});
      j["first_divergence"]["layers"] = layers;
    }
    j["engine"] = r.engine;
    if (r.layers_tracked) {
      nlohmann::json peaks = nlohmann::json::array();
      for (const auto& p : r.layer_peaks) peaks.push_back(peak_json(p));
      j["layer_errors"] = peaks;
      j["peak"] = peak_json(r.peak);
      j["reference"] = {{"kind", "hardmax, exact in double"}, {"exact", r.reference_exact}};
    }
    if (r.parts) {
      const auto& p = *r.parts;
      nlohmann::json layers = nlohmann::json::array();
      for (std::size_t l = 0; l < p.rounding_layers.size(); ++l)
        layers.push_back({{"layer", r.layer_names.empty() ? std::to_string(l) : r.layer_names[l]},
                          {"total", r.layer_peaks.empty() ? nlohmann::json(nullptr) : number(r.layer_peaks[l].error)},
                          {"temperature", number(p.temperature_layers[l])},
                          {"rounding", number(p.rounding_layers[l])}});
      j["decomposition"] = {{"reference", "mpfr:256, same lambda, stepped layer by layer beside the run"},
                            {"total_max", number(r.max_drift)},
                            {"total_final", number(r.final_drift)},
                            {"temperature_max", number(p.temperature_max)},
                            {"temperature_final", number(p.temperature_final)},
                            {"temperature_agrees", p.high_agrees},
                            {"rounding_max", number(p.rounding_max)},
                            {"rounding_max_loop", p.rounding_max_loop},
                            {"rounding_final", number(p.rounding_final)},
                            {"layers", layers}};
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
      {
        nlohmann::json row{{"loop", t.loop}, {"pc", t.pc}, {"a", program.cell_names[t.a]}, {"b", program.cell_names[t.b]},
                           {"c", t.c}, {"value", t.value}, {"drift", number(t.drift)}, {"margin", number(t.margin)}};
        if (!t.layers.empty()) {
          nlohmann::json layers = nlohmann::json::array();
          for (std::size_t l = 0; l < t.layers.size(); ++l)
            layers.push_back({{"layer", r.layer_names[l]},
                              {"error", number(t.layers[l].error)},
                              {"row", t.layers[l].row >= 0 ? layout.describe_row(t.layers[l].row) : ""},
                              {"column", t.layers[l].column >= 0 ? layout.describe_column(t.layers[l].column) : ""}});
          row["layers"] = layers;
        }
        rows.push_back(row);
      }
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
      std::string head = "\n  loop    pc  command                         new value  drift     margin";
      for (const auto& name : r.layer_names) head += fmt::format("  {:>10}", name);
      std::cout << head << "\n";
      for (const auto& t : r.trace) {
        std::string line = fmt::format("  {:>5} {:>5}  subleq {:>8}, {:>8}, {:>5}  {:>9}  {:.2e}  {:.2e}", t.loop, t.pc, program.cell_names[t.a],
                                       program.cell_names[t.b], t.c, t.value, t.drift, t.margin);
        for (const auto& e : t.layers) line += fmt::format("  {:>10.2e}", e.error);
        std::cout << line << "\n";
      }
      if (!r.layer_names.empty()) std::cout << "  (per layer: largest |X - ideal| over the rows the layer writes, after the layer)\n";
      std::cout << "\n";
    }
    std::cout << fmt::format("run          {} steps, {}, {} loops; {} in {:.3f} s\n", r.steps,
                             r.halted ? "halted" : (r.agree ? "stopped at --max-steps" : "stopped at the divergence"), r.loops,
                             r.agree ? "transformer and reference agree at every loop" : "DIVERGED", r.seconds);
    std::cout << fmt::format("drift        max {:.3g} (loop {}), tolerance {}, margin {:.3g}\n", r.max_drift, r.max_drift_loop,
                             args.tolerance, args.tolerance - r.max_drift);
    if (r.layers_tracked) {
      std::cout << fmt::format("per layer    largest error against the ideal (hardmax) punchcard{}:\n",
                               r.reference_exact ? "" : " (WARNING: the reference left enc(state))");
      for (const auto& p : r.layer_peaks)
        std::cout << fmt::format("  {:<12} {:>10.3g}  loop {:<6} at {} / {}\n", p.layer, p.error, p.loop, p.row, p.column);
      if (!r.max_drift_layer.empty()) std::cout << fmt::format("  the drift peaked at loop {}, where layer {} added the most\n", r.max_drift_loop, r.max_drift_layer);
    }
    if (r.parts) {
      const auto& p = *r.parts;
      std::cout << fmt::format("decompose    drift (state rows after each loop): total {:.3g} (final {:.3g}) <= temperature {:.3g} (final {:.3g}) "
                               "+ rounding {:.3g} (final {:.3g}, largest at loop {})\n",
                               r.max_drift, r.final_drift, p.temperature_max, p.temperature_final, p.rounding_max, p.rounding_final,
                               p.rounding_max_loop);
      std::cout << "             temperature: mpfr:256 at this lambda against the ideal punchcard and the exact machine"
                << (p.high_agrees ? "" : " (mpfr:256 itself DIVERGES here)") << "\n";
      std::cout << fmt::format("             rounding: {} against mpfr:256, same lambda, layer by layer\n", r.scalar);
      std::cout << fmt::format("  {:<12} {:>10} {:>12} {:>10}\n", "layer", "total", "temperature", "rounding");
      for (std::size_t l = 0; l < p.rounding_layers.size(); ++l)
        std::cout << fmt::format("  {:<12} {:>10.3g} {:>12.3g} {:>10.3g}\n", r.layer_names.empty() ? std::to_string(l) : r.layer_names[l],
                                 r.layer_peaks.empty() ? NAN : r.layer_peaks[l].error, p.temperature_layers[l], p.rounding_layers[l]);
    }
    if (r.first_divergence) {
      const auto& d = *r.first_divergence;
      std::cout << fmt::format("divergence   loop {}: {} expected {}, got {} {}\n", d.loop, d.field, d.expected, d.actual, d.detail);
      if (!d.layer.empty()) {
        std::string chain;
        for (std::size_t l = 0; l < r.divergence_layers.size(); ++l)
          chain += fmt::format("{}{} {:.3g}{}", l ? ", " : "", r.layer_names[l], r.divergence_layers[l].error,
                               r.divergence_layers[l].row >= 0 ? " (" + layout.describe_row(r.divergence_layers[l].row) + ")" : "");
        std::cout << fmt::format("             first past the tolerance in layer {} ({}); errors in that loop: {}\n", d.layer, d.quantity, chain);
      }
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
  run_cmd->add_option("--scalar", args->scalar, "scalar type: " + scalar_names_help() + " (exact: rationals, hardmax)")->capture_default_str();
  run_cmd->add_option("--lambda", args->lambda,
                      "softmax temperature, exact decimal or fraction (default: the smallest on a 0.5 grid that the bounds certify)");
  run_cmd->add_option("--max-steps", args->max_steps, "stop after this many reference steps")->capture_default_str();
  run_cmd->add_option("--tolerance", args->tolerance, "decode tolerance: an entry is a bit only within this of +-1")->capture_default_str();
  run_cmd->add_flag("--trace", args->trace, "print every loop: pc, the command, the new value and the drift");
  run_cmd->add_flag("--json", args->json, "print one JSON object on stdout");
  run_cmd->add_flag("--decompose", args->decompose,
                    "split the error into a temperature part (mpfr:256 vs the exact machine) and a rounding part (the scalar vs mpfr:256)");
  run_cmd->add_flag("--machine-only", args->machine_only, "run the exact reference machine only");
  run_cmd->callback([&handler, args] { handler = [args] { return run(*args); }; });
}

}  // namespace loopcert::cli
