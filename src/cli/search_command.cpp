#include "compile/subleq/compiler.hpp"
#include "cli/search_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "analysis/search.hpp"
#include "cli/flag_values.hpp"
#include "cli/program_source.hpp"
#include "analysis/fleq_floor.hpp"
#include "cli/progress.hpp"
#include "cli/run_fleq.hpp"
#include "cli/run_limits.hpp"
#include "compile/fleq/target.hpp"
#include "isa/fleq/assembler.hpp"
#include "compile/subleq/target.hpp"
#include "report/grid_shard.hpp"
#include "report/search_report.hpp"
#include "core/scalar_name.hpp"
#include "core/input_error.hpp"
#include "core/range_flag.hpp"
#include "tf/layout.hpp"

#include "cli/sigmoid_cli.hpp"

namespace loopcert::cli {

namespace {

// --bits, --lambda and the other numeric flags read core/range_flag.hpp's syntax (that of
// every other flag); its refusals name the flag and become UsageError (exit 2).
template <class Fn>
auto flag_value(Fn&& parse) {
  try {
    return parse();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

IntegerRange parse_bits_range(const std::string& text) {
  return flag_value([&] { return parse_integer_range_flag("--bits", text, 2, kMaxMpfrPrecision, "2..64"); });
}

SteppedRange parse_lambda_range(const std::string& text) {
  return flag_value([&] { return parse_stepped_range_flag("--lambda", text, kMaxGridLambdas, "the grid's limit"); });
}

}  // namespace

constexpr long kMaxLambdaSteps = 1L << 40;  // multiples of --resolution up to --lambda-max

// --resolution and --lambda-max of `search lambda` and `verify formats`.
void check_lambda_search(const Rational& resolution, const Rational& cap) {
  if (cap < resolution) throw UsageError("--lambda-max must be at least --resolution");
  const Rational steps = cap / resolution;
  if (steps > kMaxLambdaSteps)
    throw UsageError(fmt::format("--resolution {:g} is too fine for --lambda-max {:g}: {:.3g} multiples of R up to the cap, more than the limit "
                                 "2^40; use a coarser --resolution or a smaller --lambda-max",
                                 to_double(resolution), to_double(cap), to_double(steps)));
}

namespace {

namespace fq = isa::fleq;

struct SearchArgs {
  ProgramSource source;
  std::string lambda, bits, scalar = "double", resolution = "0.05", lambda_max = "100000", csv;
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  double data_tolerance = 1e-6;
  std::optional<int> jobs;  // none: one per core (at most 2)
  bool json = false, quiet = false;
  std::string shard;  // grid: I/K, every K-th precision row as JSON lines (report/grid_shard.hpp)
};

// --- 1. flags (nothing is read before every flag is checked) --------------------------

analysis::SearchCommon common_of(const SearchArgs& args) {
  if (args.max_steps < 0) throw UsageError("--max-steps must be >= 0");
  if (!(args.tolerance > 0 && args.tolerance < 1)) throw UsageError("--tolerance must lie in (0, 1)");
  if (!(args.data_tolerance > 0 && args.data_tolerance < 1)) throw UsageError("--data-tolerance must lie in (0, 1)");
  if (args.jobs && *args.jobs < 1) throw UsageError("--jobs must be >= 1 (got " + std::to_string(*args.jobs) + ")");
  const bool fleq = is_fleq_source(args.source);
  if (fleq && (!args.source.cmds.empty() || !args.source.mem.empty() || !args.source.layout.empty()))
    throw UsageError("--cmds/--mem/--layout are SUBLEQ's official CSV format; a .fq program is given alone");
  if (fleq && args.tolerance != SearchArgs{}.tolerance)
    throw UsageError("--tolerance: FLEQ decodes .int cells and pc bits within 1/4; real cells use --data-tolerance");
  if (!fleq && args.data_tolerance != SearchArgs{}.data_tolerance)
    throw UsageError("--data-tolerance is for the real cells of a .fq program; SUBLEQ cells are integers (--tolerance)");
  analysis::SearchCommon c;
  c.max_steps = args.max_steps;
  c.tolerance = args.tolerance;
  c.jobs = args.jobs ? *args.jobs : static_cast<int>(std::max(1u, std::min(2u, std::thread::hardware_concurrency())));
  if (!args.quiet) c.log = [](const std::string& line) { std::cerr << line << "\n"; };
  return c;
}

ScalarSpec run_scalar(const SearchArgs& args) {
  ScalarSpec scalar;
  scalar = scalar_flag(args.scalar);
  if (scalar.kind == ScalarKind::Mpfi) throw UsageError("--scalar: mpfi:P is for certificates, not runs");
  if (scalar.kind == ScalarKind::Exact && is_fleq_source(args.source))
    throw UsageError("--scalar exact: FLEQ's sigmoid and exp are irrational, so the loop has no exact-rational run");
  return scalar;
}

// --- 2. the program ---------------------------------------------------------------------

// The program as a search target: SUBLEQ's one loop (the temperature is a run option), or
// FLEQ's loop per scalar (its temperatures and scales follow the scalar's unit roundoff).
struct SearchProgram {
  std::string source, description;
  compile::LoopTarget target;          // SUBLEQ; FLEQ: compiled for double (or the fixed scalar)
  analysis::TargetAtScalar target_at;  // FLEQ only
  bool fleq() const { return static_cast<bool>(target_at); }
};

SearchProgram load_subleq(const SearchArgs& args) {
  const isa::SubleqProgram program = load_program(args.source);
  check_transformer_size(program);
  SearchProgram out{program.source, fmt::format("N = {}, {} commands", program.bits, program.command_count()), {}, {}};
  try {
    out.target = compile::subleq_target(program, blocks::BlockParams{});
  } catch (const std::invalid_argument& e) {
    throw UsageError(program.source + ": " + e.what());
  }
  return out;
}

SearchProgram load_fleq(const SearchArgs& args, const ScalarSpec& scalar) {
  auto program = std::make_shared<const fq::FleqProgram>(fq::load_fq(args.source.path));
  compile::FleqTargetOptions options;
  options.data_tolerance = args.data_tolerance;
  options.max_steps = args.max_steps;
  options.predictors = analysis::fleq_target_predictors;  // the predicted floor (analysis/fleq_floor.hpp)
  SearchProgram out{program->source, "", {}, {}};
  out.target = fleq_loop_target(*program, fleq_options_at(options, scalar));  // refusals and the size limit: UsageError
  out.description = fmt::format("FLEQ, {} cells, {} instructions, n = {} columns, data tolerance {:g}", program->cell_count(),
                                program->instruction_count(), out.target.compiled->layout.columns(), args.data_tolerance);
  // Each precision compiled as `run --scalar mpfr:P` compiles it (the same constants); a
  // format the compiler refuses fails with the reason (analysis/detail/search_runner.hpp).
  out.target_at = [program, options](const ScalarSpec& at) { return compile::fleq_target(*program, fleq_options_at(options, at)); };
  return out;
}

SearchProgram load_search_program(const SearchArgs& args, const ScalarSpec& scalar = ScalarSpec{}) {
  return is_fleq_source(args.source) ? load_fleq(args, scalar) : load_subleq(args);
}

template <class Fn>
auto guarded(const SearchProgram& program, Fn&& fn) {
  try {
    return fn();
  } catch (const std::invalid_argument& e) {
    throw UsageError(program.source + ": " + e.what());
  }
}

// --- 3. the searches and 4. their reports -----------------------------------------------

// search precision may run every precision in LO..HI once (the confirming scan covers all
// above the bisection's answer). MPFR's work grows with the 64-bit limbs of a value, so the
// worst case is capped in limbs, at the grid's 100000 cells of one limb each.
constexpr double kMaxPrecisionSearchLimbs = 100000;

void check_precision_search_size(const IntegerRange& bits, const std::string& text) {
  double limbs = 0;
  for (std::int64_t p = bits.lo; p <= bits.hi; ++p) limbs += static_cast<double>((p + 63) / 64);
  if (limbs > kMaxPrecisionSearchLimbs)
    throw UsageError(fmt::format("--bits '{}': the search may run every precision in LO..HI ({} runs, {:.3g} limbs of 64 bits in all), "
                                 "more than the limit of {:g} limbs; narrow the range",
                                 text, bits.hi - bits.lo + 1, limbs, kMaxPrecisionSearchLimbs));
}

// A search's progress on stderr, also with --json (nothing with --quiet): its size first,
// then each run's verdict and a line of the loops run so far, redrawn every second; the
// total is the worst case (every run to --max-steps).
class SearchProgress {
 public:
  SearchProgress(const SearchArgs& args, analysis::SearchCommon& common, const std::string& size, std::int64_t runs) {
    if (args.quiet) return;
    std::cerr << size << "\n";
    const std::int64_t steps = std::max<std::int64_t>(1, args.max_steps);
    const std::int64_t total = runs > std::numeric_limits<std::int64_t>::max() / steps ? std::numeric_limits<std::int64_t>::max() : runs * steps;
    line_ = std::make_unique<Progress>(fmt::format("{}: loops run, of at most {} ({} runs x {} steps)", size.substr(0, size.find(':')), total,
                                                   runs, steps),
                                       "loops", total);
    common.on_loops = [this](std::int64_t loops) { line_->tick(done_ += loops); };
    common.log = [this](const std::string& text) { line_->note(text); };
  }

 private:
  std::unique_ptr<Progress> line_;
  std::atomic<std::int64_t> done_{0};
};

std::string loop_size(const SearchProgram& program) {
  const Layout& layout = program.target.compiled->layout;
  return fmt::format("{} rows x {} columns", layout.rows(), layout.columns());
}

int search_precision(const SearchArgs& args) {
  const std::string bits_text = args.bits.empty() ? "2..64" : args.bits;
  const IntegerRange bits = parse_bits_range(bits_text);
  check_precision_search_size(bits, bits_text);
  const bool given = !args.lambda.empty();
  const std::optional<Rational> lambda = given ? std::optional<Rational>(positive_flag("--lambda", args.lambda)) : std::nullopt;
  if (given && is_fleq_source(args.source))
    throw UsageError("--lambda: a FLEQ loop's temperatures are chosen by the compiler for each precision (FLEQ.md section 4)");
  analysis::SearchCommon common = common_of(args);
  const SearchProgram program = load_search_program(args);
  check_run_memory(*program.target.compiled, ScalarSpec{ScalarKind::Mpfr, bits.hi}, program.source);
  const std::int64_t runs = bits.hi - bits.lo + 1;
  const SearchProgress progress(args, common,
                                fmt::format("search precision {}: precisions {}..{}, at most {} runs (bisection, then a scan above it) of at "
                                            "most {} steps (--max-steps), the widest at mpfr:{}, {}",
                                            program.source, bits.lo, bits.hi, runs, args.max_steps, bits.hi, loop_size(program)),
                                runs);
  const auto s = guarded(program, [&] {
    return program.fleq() ? analysis::search_precision(program.target_at, bits.lo, bits.hi, common)
                          : analysis::search_precision(program.target, lambda.value_or(program.target.predict.default_lambda), bits.lo,
                                                       bits.hi, common);
  });
  const double predicted_lambda = analysis::predicted_lambda_exact(program.target.predict, Rational(1, 2));
  const report::SearchContext ctx{program.source, program.description};
  if (args.json) std::cout << report::precision_json(s, ctx, s.lambda, !given, predicted_lambda).dump(2) << "\n";
  else std::cout << report::precision_text(s, ctx, s.lambda, !given);
  return s.bits_min ? kSuccess : kCheckFailed;
}

int search_lambda(const SearchArgs& args) {
  const ScalarSpec scalar = run_scalar(args);
  const Rational resolution = positive_flag("--resolution", args.resolution);
  const Rational cap = positive_flag("--lambda-max", args.lambda_max);
  check_lambda_search(resolution, cap);
  analysis::SearchCommon common = common_of(args);
  const SearchProgram program = load_search_program(args, scalar);
  const long runs = analysis::lambda_search_runs_at_most(resolution, cap);
  const SearchProgress progress(args, common,
                                fmt::format("search lambda {}: lambda = k x {} for k = 1..{} at {}, at most {} runs (a coarse scan, "
                                            "bisections and doublings over those multiples) of at most {} steps (--max-steps), {}",
                                            program.source, to_string(resolution), static_cast<long>(std::floor(to_double(cap / resolution))),
                                            scalar.name(), runs, args.max_steps, loop_size(program)),
                                runs);
  const auto s = guarded(program, [&] { return analysis::search_lambda(program.target, scalar, resolution, cap, common); });
  const report::SearchContext ctx{program.source, program.description};
  if (args.json) std::cout << report::lambda_json(s, ctx).dump(2) << "\n";
  else std::cout << report::lambda_text(s, ctx);
  return s.lambda_min ? kSuccess : kCheckFailed;
}

void write_csv(const std::string& path, const std::string& csv) {
  std::ofstream out(path);
  if (!out) throw UsageError("--csv: cannot write '" + path + "'");
  out << csv;
  out.close();
  if (!out) throw UsageError("--csv: writing '" + path + "' failed (disk full or not a regular file?)");
}

int search_grid(const SearchArgs& args) {
  if (args.bits.empty()) throw UsageError("search grid needs --bits LO..HI");
  if (args.lambda.empty()) throw UsageError("search grid needs --lambda A..B:STEP");
  const IntegerRange bits = parse_bits_range(args.bits);
  const SteppedRange lr = parse_lambda_range(args.lambda);
  analysis::SearchCommon common = common_of(args);
  std::optional<report::Shard> shard;
  try {
    if (!args.shard.empty()) shard = report::parse_shard(args.shard);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const SearchProgram program = load_search_program(args);
  check_run_memory(*program.target.compiled, ScalarSpec{ScalarKind::Mpfr, bits.hi}, program.source);
  if (shard) {
    if (program.fleq()) throw UsageError("--shard: search grid shards take .sq programs only");
    return guarded(program, [&] { return report::write_grid_shard(std::cout, program.target, *shard, bits.lo, bits.hi, lr.a, lr.b, lr.step, common, program.source), kSuccess; });
  }
  const std::int64_t lambdas = static_cast<std::int64_t>(to_double((lr.b - lr.a) / lr.step)) + 1;
  const std::int64_t cells = (bits.hi - bits.lo + 1) * lambdas;
  const SearchProgress progress(args, common,
                                fmt::format("search grid {}: {} cells (precisions {}..{} x {} lambdas) of at most {} steps (--max-steps), "
                                            "the widest at mpfr:{}, {}",
                                            program.source, cells, bits.lo, bits.hi, lambdas, args.max_steps, bits.hi, loop_size(program)),
                                cells);
  const auto s = guarded(program, [&] {
    return program.fleq() ? analysis::search_grid(program.target_at, bits.lo, bits.hi, lr.a, lr.b, lr.step, common)
                          : analysis::search_grid(program.target, bits.lo, bits.hi, lr.a, lr.b, lr.step, common);
  });
  const std::string csv = report::grid_csv(s);
  if (!args.csv.empty()) write_csv(args.csv, csv);
  if (args.json) {
    std::cout << report::grid_json(s, report::SearchContext{program.source, ""}).dump(2) << "\n";
  } else {
    std::cout << csv;
    std::cerr << report::grid_phase_diagram(s, lr.a, lr.b, lr.step);  // a compact phase diagram
  }
  return kSuccess;
}

void add_common(CLI::App* cmd, SearchArgs& a) {
  cmd->add_option("PROGRAM", a.source.path, "program in .sq or .fq assembly");
  cmd->add_option("--cmds", a.source.cmds, "official CSV commands file (header a,b,c)");
  cmd->add_option("--mem", a.source.mem, "official CSV memory file (header mem)");
  cmd->add_option("--layout", a.source.layout, "official CSV layout s,m,n,N");
  cmd->add_option("--max-steps", a.max_steps, "stop each run after this many reference steps")->capture_default_str();
  cmd->add_option("--tolerance", a.tolerance, "decode tolerance")->capture_default_str();
  cmd->add_option("--data-tolerance", a.data_tolerance, "FLEQ: real cells agree when |x - x*| / max(1, |x*|) <= this at the end")
      ->capture_default_str();
  cmd->add_option("--jobs", a.jobs, "runs in parallel (default: one per core, at most 2)");
  cmd->add_flag("--json", a.json, "print one JSON object on stdout");
  cmd->add_flag("--quiet", a.quiet, "no progress on stderr");
}

}  // namespace

void add_search_command(CLI::App& app, Handler& handler) {
  CLI::App* search = app.add_subcommand("search", "Minimum precision, temperature interval and phase grid of a program, next to the bounds");
  search->require_subcommand(1);

  auto p = std::make_shared<SearchArgs>();
  CLI::App* precision = search->add_subcommand("precision", "smallest MPFR precision P such that every precision P..HI agrees to the end");
  add_common(precision, *p);
  precision->add_option("--lambda", p->lambda, "softmax temperature (default: the bounds' default, as in run)");
  precision->add_option("--bits", p->bits, "precision range LO..HI (default 2..64)");
  precision->callback([&handler, p] { handler = [p] { return search_precision(*p); }; });

  auto l = std::make_shared<SearchArgs>();
  CLI::App* lambda = search->add_subcommand("lambda", "interval of lambda over which the run agrees, to resolution R");
  add_common(lambda, *l);
  lambda->add_option("--scalar", l->scalar, "scalar type: " + scalar_names_help())->capture_default_str();
  lambda->add_option("--resolution", l->resolution, "resolution R of both ends")->capture_default_str();
  lambda->add_option("--lambda-max", l->lambda_max, "largest lambda tried for the upper end")->capture_default_str();
  lambda->callback([&handler, l] { handler = [l] { return search_lambda(*l); }; });

  auto g = std::make_shared<SearchArgs>();
  CLI::App* grid = search->add_subcommand("grid", "pass/fail grid over MPFR precision x lambda, with the first divergent loop of each cell");
  add_common(grid, *g);
  grid->add_option("--bits", g->bits, "precision range LO..HI")->required();
  grid->add_option("--lambda", g->lambda, "lambda range A..B:STEP")->required();
  grid->add_option("--csv", g->csv, "also write the CSV to this file");
  grid->add_option("--shard", g->shard, "I/K: only every K-th precision row from the I-th, one JSON line per cell (cat the shards to merge)");
  grid->callback([&handler, g] { handler = [g] { return search_grid(*g); }; });

  add_search_terms_command(*search, handler);
}

}  // namespace loopcert::cli
