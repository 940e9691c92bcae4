#include "cli/certify_command.hpp"

#include <iostream>
#include <memory>
#include <unistd.h>

#include <fmt/format.h>

#include "cert/exhaustive.hpp"
#include "cli/certify_command_block.hpp"
#include "cli/certify_command_loop.hpp"
#include "cli/flag_values.hpp"
#include "cli/program_source.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "report/certificate_report.hpp"
#include "tf/layout.hpp"

namespace loopcert::cli {

namespace {

struct CertifyArgs {
  ProgramSource source;
  std::string scalar = "double";
  std::string lambda;
  bool exhaustive = false;
  std::int64_t max_states = 1 << 22;
  std::int64_t max_punchcards = 1 << 23;
  bool json = false;
  BlockCertifyArgs block;  // --lemma: the block certificates
  int witness_samples = 200;
};

int certify(const CertifyArgs& args) {
  // Flags first, then files.
  if (!args.block.lemma.empty()) {
    if (args.exhaustive) throw UsageError("certify: --lemma (a block certificate) and --exhaustive (the loop by exhaustion) exclude each other");
    BlockCertifyArgs block = args.block;
    block.scalar = args.scalar, block.lambda = args.lambda, block.json = args.json;
    return certify_block_command(args.source, block);
  }
  if (!args.exhaustive) return certify_loop_command(args.source, {args.scalar, args.lambda, args.witness_samples, args.json});
  cert::ExhaustiveOptions options;
  options.scalar = scalar_flag(args.scalar);
  if (args.max_states < 1 || args.max_punchcards < 1) throw UsageError("--max-states and --max-punchcards must be at least 1");
  options.max_states = args.max_states;
  options.max_punchcards = args.max_punchcards;
  blocks::BlockParams params;
  const bool default_lambda = args.lambda.empty();
  if (!default_lambda) params.lambda = positive_flag("--lambda", args.lambda);
  const isa::SubleqProgram program = load_program(args.source);
  if (default_lambda) {
    const Layout layout = compile::subleq_layout(program);
    params.lambda = compile::default_lambda(layout, params);  // the run's default (compile/subleq/target.hpp)
  }
  const compile::CompiledSubleq compiled = compile::compile_subleq(program, params);
  if (isatty(STDERR_FILENO))
    options.progress = [](std::int64_t states, std::int64_t cards) {
      std::cerr << fmt::format("\rcertify: {} states, {} punchcards", states, cards) << std::flush;
    };
  cert::ExhaustiveCertificate c;
  try {
    c = cert::certify_exhaustive(program, compiled, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (options.progress) std::cerr << "\n";
  const std::string name = args.source.path.empty() ? args.source.cmds : args.source.path;
  if (args.json)
    std::cout << report::to_json(name, c).dump(2) << "\n";
  else
    report::write_text(std::cout, name, c);
  return c.verdict == cert::Verdict::Certified ? kSuccess : kCheckFailed;
}

}  // namespace

void add_certify_command(CLI::App& app, Handler& handler) {
  CLI::App* cmd = app.add_subcommand(
      "certify", "Prove a looped transformer correct forever at a scalar (default: the loop certificate over a layout's noise balls; --exhaustive: every valid state, by exhaustion; --lemma: a block certificate over intervals)");
  auto args = std::make_shared<CertifyArgs>();
  cmd->add_option("PROGRAM", args->source.path, "program in .sq assembly");
  cmd->add_option("--cmds", args->source.cmds, "official CSV commands file (header a,b,c)");
  cmd->add_option("--mem", args->source.mem, "official CSV memory file (header mem)");
  cmd->add_option("--layout", args->source.layout, "official CSV layout s,m,n,N");
  cmd->add_flag("--exhaustive", args->exhaustive,
                "enumerate every valid state (every pc, every N-bit value of every cell) and close the set of punchcards under the loop");
  cmd->add_option("--scalar", args->scalar, "scalar type (as for run)")->capture_default_str();
  cmd->add_option("--lambda", args->lambda, "softmax temperature (default: as for run)");
  cmd->add_option("--max-states", args->max_states, "refuse programs with more valid states than this")->capture_default_str();
  cmd->add_option("--max-punchcards", args->max_punchcards, "give up (unknown) beyond this many distinct punchcards")
      ->capture_default_str();
  cmd->add_option("--lemma", args->block.lemma, "block certificate of one lemma's attention over its noise ball: read or write");
  cmd->add_option("--delta", args->block.delta, "--lemma: noise radius of the pointer and the sources")->capture_default_str();
  cmd->add_option("--splits", args->block.splits, "--lemma: bisections of each pointer coordinate (2^(splits L) boxes per cell)")
      ->capture_default_str();
  cmd->add_option("--witness-samples", args->witness_samples,
                  "loop certificate: random valid states tried for a witness when it does not close")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "print one JSON object on stdout");
  cmd->callback([&handler, args] { handler = [args] { return certify(*args); }; });
}

}  // namespace loopcert::cli
