#include "compile/subleq/compiler.hpp"
#include "cli/search_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <thread>

#include "analysis/search.hpp"
#include "cli/program_source.hpp"
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

struct SearchArgs {
  ProgramSource source;
  std::string lambda, bits, scalar = "double", resolution = "0.05", lambda_max = "100000", csv;
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  std::optional<int> jobs;  // none: one per core (at most 2)
  bool json = false, quiet = false;
  std::string shard;  // grid: I/K, every K-th precision row as JSON lines (report/grid_shard.hpp)
};

analysis::SearchCommon common_of(const SearchArgs& args) {
  if (args.max_steps < 0) throw UsageError("--max-steps must be >= 0");
  if (!(args.tolerance > 0 && args.tolerance < 1)) throw UsageError("--tolerance must lie in (0, 1)");
  if (args.jobs && *args.jobs < 1) throw UsageError("--jobs must be >= 1 (got " + std::to_string(*args.jobs) + ")");
  analysis::SearchCommon c;
  c.max_steps = args.max_steps;
  c.tolerance = args.tolerance;
  c.jobs = args.jobs ? *args.jobs : static_cast<int>(std::max(1u, std::min(2u, std::thread::hardware_concurrency())));
  if (!args.quiet) c.log = [](const std::string& line) { std::cerr << line << "\n"; };
  return c;
}

template <class Fn>
auto guarded(const isa::SubleqProgram& program, Fn&& fn) {
  try {
    return fn();
  } catch (const std::invalid_argument& e) {
    throw UsageError(program.source + ": " + e.what());
  }
}

// The program as a search target (compiled once; the temperature is a run option).
compile::LoopTarget target_of(const isa::SubleqProgram& program) {
  return guarded(program, [&] { return compile::subleq_target(program, blocks::BlockParams{}); });
}

int search_precision(const SearchArgs& args) {
  const BitsRange bits = parse_bits_range(args.bits.empty() ? "2..64" : args.bits);
  isa::SubleqProgram program = load_program(args.source);
  check_transformer_size(program);
  analysis::SearchCommon common = common_of(args);
  const compile::LoopTarget target = target_of(program);
  const bool given = !args.lambda.empty();
  const Rational lambda = given ? parse_positive("--lambda", args.lambda) : target.predict.default_lambda;
  const auto s = guarded(program, [&] { return analysis::search_precision(target, lambda, bits.lo, bits.hi, common); });
  const double predicted_lambda = analysis::predicted_lambda_exact(target.predict, Rational(1, 2));
  const report::SearchContext ctx{program.source, fmt::format("N = {}, {} commands", program.bits, program.command_count())};
  if (args.json) std::cout << report::precision_json(s, ctx, lambda, !given, predicted_lambda).dump(2) << "\n";
  else std::cout << report::precision_text(s, ctx, lambda, !given);
  return s.bits_min ? kSuccess : kCheckFailed;
}

int search_lambda(const SearchArgs& args) {
  ScalarSpec scalar;
  try {
    scalar = parse_scalar(args.scalar);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--scalar: ") + e.what());
  }
  if (scalar.kind == ScalarKind::Mpfi) throw UsageError("--scalar: mpfi:P is for certificates, not runs");
  const Rational resolution = parse_positive("--resolution", args.resolution);
  const Rational cap = parse_positive("--lambda-max", args.lambda_max);
  check_lambda_search(resolution, cap);
  isa::SubleqProgram program = load_program(args.source);
  check_transformer_size(program);
  analysis::SearchCommon common = common_of(args);
  const compile::LoopTarget target = target_of(program);
  const auto s = guarded(program, [&] { return analysis::search_lambda(target, scalar, resolution, cap, common); });
  const report::SearchContext ctx{program.source, fmt::format("N = {}, {} commands", program.bits, program.command_count())};
  if (args.json) std::cout << report::lambda_json(s, ctx).dump(2) << "\n";
  else std::cout << report::lambda_text(s, ctx);
  return s.lambda_min ? kSuccess : kCheckFailed;
}

int search_grid(const SearchArgs& args) {
  if (args.bits.empty()) throw UsageError("search grid needs --bits LO..HI");
  if (args.lambda.empty()) throw UsageError("search grid needs --lambda A..B:STEP");
  const BitsRange bits = parse_bits_range(args.bits);
  const LambdaRange lr = parse_lambda_range(args.lambda);
  isa::SubleqProgram program = load_program(args.source);
  check_transformer_size(program);
  analysis::SearchCommon common = common_of(args);
  const compile::LoopTarget target = target_of(program);
  if (!args.shard.empty())
    return guarded(program, [&] { return report::write_grid_shard(std::cout, target, report::parse_shard(args.shard), bits.lo, bits.hi, lr.a, lr.b, lr.step, common, program.source), kSuccess; });
  const auto s = guarded(program, [&] { return analysis::search_grid(target, bits.lo, bits.hi, lr.a, lr.b, lr.step, common); });
  const std::string csv = report::grid_csv(s);
  if (!args.csv.empty()) {
    std::ofstream out(args.csv);
    if (!out) throw UsageError("--csv: cannot write '" + args.csv + "'");
    out << csv;
    out.close();
    if (!out) throw UsageError("--csv: writing '" + args.csv + "' failed (disk full or not a regular file?)");
  }
  if (args.json) {
    std::cout << report::grid_json(s, report::SearchContext{program.source, ""}).dump(2) << "\n";
  } else {
    std::cout << csv;
    std::cerr << report::grid_phase_diagram(s, lr.a, lr.b, lr.step);  // a compact phase diagram
  }
  return kSuccess;
}

void add_common(CLI::App* cmd, SearchArgs& a) {
  cmd->add_option("PROGRAM", a.source.path, "program in .sq assembly");
  cmd->add_option("--cmds", a.source.cmds, "official CSV commands file (header a,b,c)");
  cmd->add_option("--mem", a.source.mem, "official CSV memory file (header mem)");
  cmd->add_option("--layout", a.source.layout, "official CSV layout s,m,n,N");
  cmd->add_option("--max-steps", a.max_steps, "stop each run after this many reference steps")->capture_default_str();
  cmd->add_option("--tolerance", a.tolerance, "decode tolerance")->capture_default_str();
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
