// The flags of `loopcert run` (CLI11 only here).
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/run_command.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cli {

void add_run_command(CLI::App& app, Handler& handler) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run_cmd = app.add_subcommand("run", "Run a SUBLEQ (.sq) or FLEQ (.fq) program on the looped transformer in lockstep with the exact machine");
  run_cmd->add_option("PROGRAM", args->source.path, "program in .sq or .fq assembly");
  run_cmd->add_option("--cmds", args->source.cmds, "official CSV commands file (header a,b,c)");
  run_cmd->add_option("--mem", args->source.mem, "official CSV memory file (header mem)");
  run_cmd->add_option("--layout", args->source.layout, "official CSV layout s,m,n,N");
  run_cmd->add_option("--scalar", args->scalar, "scalar type: " + scalar_names_help() + " (exact: rationals, hardmax)")->capture_default_str();
  run_cmd->add_option("--lambda", args->lambda,
                      "softmax temperature, exact decimal or fraction (default: the smallest on a 0.5 grid that the bounds certify; "
                      ".fq: the read temperature, default the compiler's)");
  run_cmd->add_option("--product-c", args->product_c,
                      ".fq: the product heads' constant C, a power of two such as 1048576 (default: the compiler's, in --json constants)");
  run_cmd->add_option("--max-steps", args->max_steps, "stop after this many reference steps")->capture_default_str();
  run_cmd->add_option("--threads", args->threads, "threads for a head's query rows (the same results at any count)")->capture_default_str();
  run_cmd->add_option("--tolerance", args->tolerance, "decode tolerance: an entry is a bit only within this of +-1")->capture_default_str();
  run_cmd->add_option("--data-tolerance", args->data_tolerance,
                      "FLEQ: real cells agree when |x - x*| / max(1, |x*|) <= this at the end")->capture_default_str();
  run_cmd->add_flag("--trace", args->trace, "print every loop: pc, the command, the new value and the drift");
  run_cmd->add_flag("--json", args->json, "print one JSON object on stdout");
  run_cmd->add_flag("--decompose", args->decompose,
                    "split the error into a temperature part (mpfr:256 vs the exact machine) and a rounding part (the scalar vs mpfr:256)");
  run_cmd->add_flag("--machine-only", args->machine_only, "run the exact reference machine only");
  run_cmd->callback([&handler, args] { handler = [args] { return run_command(*args); }; });
}

}  // namespace loopcert::cli
