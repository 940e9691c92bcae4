#include "compile/subleq/compiler.hpp"
#include "cli/search_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "analysis/search.hpp"
#include "cli/program_source.hpp"
#include "analysis/fleq_floor.hpp"
#include "cli/run_fleq.hpp"
#include "compile/fleq/target.hpp"
#include "core/scalar_facts.hpp"
#include "isa/fleq/assembler.hpp"
#include "compile/subleq/target.hpp"
#include "report/grid_shard.hpp"
#include "report/search_report.hpp"
#include "core/scalar_name.hpp"
#include "core/input_error.hpp"
#include "tf/layout.hpp"

#include "cli/sigmoid_cli.hpp"

namespace loopcert::cli {

BitsRange parse_bits_range(const std::string& text) {
  const auto dots = text.find("..");
  auto bad = [&](const std::string& why) {
    return UsageError("--bits '" + text + "': " + why + " (expected LO..HI with integers 2 <= LO <= HI <= " +
                      std::to_string(kMaxMpfrPrecision) + ", e.g. --bits 2..64)");
  };
  if (dots == std::string::npos) throw bad("missing '..'");
  auto number = [&](const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 8) throw bad("'" + s + "' is not a precision");
    return std::stol(s);
  };
  BitsRange r{number(text.substr(0, dots)), number(text.substr(dots + 2))};
  if (r.lo < 2) throw bad("LO must be at least 2 (MPFR's smallest precision)");
  if (r.hi < r.lo) throw bad("HI is below LO");
  if (r.hi > kMaxMpfrPrecision) throw bad("HI is too large");
  return r;
}

Rational parse_positive(const std::string& flag, const std::string& text) {
  Rational q;
  try {
    q = parse_rational(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(flag + ": " + e.what());
  }
  if (q <= 0) throw UsageError(flag + " must be positive (got " + text + ")");
  check_within_double(flag, q, text);
  return q;
}

void check_within_double(const std::string& flag, const Rational& q, const std::string& text) {
  const double d = to_double(q);
  if (!std::isfinite(d) || (d == 0 && q != 0))
    throw UsageError(flag + ": " + text + " is outside the range of double (magnitudes from about 4.9e-324 to 1.8e308)");
}

LambdaRange parse_lambda_range(const std::string& text) {
  const auto dots = text.find("..");
  const auto colon = text.find(':');
  if (dots == std::string::npos || colon == std::string::npos || colon < dots)
    throw UsageError("--lambda '" + text + "': expected A..B:STEP, e.g. --lambda 1..6:0.5");
  LambdaRange r{parse_positive("--lambda (A)", text.substr(0, dots)), parse_positive("--lambda (B)", text.substr(dots + 2, colon - dots - 2)),
                parse_positive("--lambda (STEP)", text.substr(colon + 1))};
  if (r.b < r.a) throw UsageError("--lambda '" + text + "': B is below A");
  // Counted before any lambda is listed: a tiny STEP would otherwise fill memory.
  const Rational count = (r.b - r.a) / r.step;
  if (count > kMaxGridLambdas - 1)
    throw UsageError(fmt::format("--lambda '{}': {:.3g} values of lambda, more than the grid's limit of {}", text, to_double(count) + 1,
                                 kMaxGridLambdas));
  return r;
}

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
  try {
    scalar = parse_scalar(args.scalar);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
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
  options.unit_roundoff = scalar_facts(scalar).unit_roundoff;
  out.target = fleq_loop_target(*program, options);  // refusals and the size limit: UsageError
  out.description = fmt::format("FLEQ, {} cells, {} instructions, n = {} columns, data tolerance {:g}", program->cell_count(),
                                program->instruction_count(), out.target.compiled->layout.columns(), args.data_tolerance);
  out.target_at = [program, options](const ScalarSpec& at) {
    compile::FleqTargetOptions o = options;
    o.unit_roundoff = scalar_facts(at).unit_roundoff;
    return compile::fleq_target(*program, o);
  };
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

int search_precision(const SearchArgs& args) {
  const BitsRange bits = parse_bits_range(args.bits.empty() ? "2..64" : args.bits);
  const bool given = !args.lambda.empty();
  const std::optional<Rational> lambda = given ? std::optional<Rational>(parse_positive("--lambda", args.lambda)) : std::nullopt;
  if (given && is_fleq_source(args.source))
    throw UsageError("--lambda: a FLEQ loop's temperatures are chosen by the compiler for each precision (FLEQ.md section 4)");
  const analysis::SearchCommon common = common_of(args);
  const SearchProgram program = load_search_program(args);
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
  const Rational resolution = parse_positive("--resolution", args.resolution);
  const Rational cap = parse_positive("--lambda-max", args.lambda_max);
  check_lambda_search(resolution, cap);
  const analysis::SearchCommon common = common_of(args);
  const SearchProgram program = load_search_program(args, scalar);
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
  const BitsRange bits = parse_bits_range(args.bits);
  const LambdaRange lr = parse_lambda_range(args.lambda);
  const analysis::SearchCommon common = common_of(args);
  std::optional<report::Shard> shard;
  try {
    if (!args.shard.empty()) shard = report::parse_shard(args.shard);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const SearchProgram program = load_search_program(args);
  if (shard) {
    if (program.fleq()) throw UsageError("--shard: search grid shards take .sq programs only");
    return guarded(program, [&] { return report::write_grid_shard(std::cout, program.target, *shard, bits.lo, bits.hi, lr.a, lr.b, lr.step, common, program.source), kSuccess; });
  }
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
