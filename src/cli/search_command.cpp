#include "compile/subleq/compiler.hpp"
#include "cli/search_command.hpp"

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

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }
std::string decimal(const Rational& q) { return fmt::format("{:g}", to_double(q)); }

nlohmann::json probe_json(const analysis::Probe& p) {
  nlohmann::json j{{"scalar", p.scalar.name()}, {"lambda", to_double(p.lambda)}, {"agree", p.agree},
                   {"loops", p.loops},          {"max_drift", number(p.max_drift)}, {"seconds", p.seconds}};
  if (p.scalar.kind == ScalarKind::Mpfr) j["bits"] = p.scalar.precision;
  if (p.divergence)
    j["first_divergence"] = {{"loop", p.divergence->loop}, {"field", p.divergence->field}, {"expected", p.divergence->expected},
                             {"actual", p.divergence->actual}, {"detail", p.divergence->detail}};
  else
    j["first_divergence"] = nullptr;
  j["engine"] = p.engine;
  return j;
}

struct SearchArgs {
  ProgramSource source;
  std::string lambda, bits, scalar = "double", resolution = "0.05", lambda_max = "100000", csv;
  std::int64_t max_steps = 100000;
  double tolerance = 0.25;
  std::optional<int> jobs;  // none: one per core (at most 2)
  bool json = false, quiet = false;
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
  const double ratio = (s.bits_min && s.predicted_bits > 0) ? double(s.predicted_bits) / double(*s.bits_min) : NAN;
  if (args.json) {
    nlohmann::json j;
    j["search"] = "precision";
    j["program"] = program.source;
    j["lambda"] = to_double(lambda);
    j["lambda_default"] = !given;
    j["bits"] = {bits.lo, bits.hi};
    j["bits_min"] = s.bits_min ? nlohmann::json(*s.bits_min) : nlohmann::json(nullptr);
    j["bisection_bits"] = s.bisection_bits ? nlohmann::json(s.bisection_bits) : nlohmann::json(nullptr);
    j["non_monotone"] = s.non_monotone;
    j["fails_above"] = s.fails_above;
    j["predicted_bits"] = s.predicted_bits > 0 ? nlohmann::json(s.predicted_bits) : nlohmann::json(nullptr);
    j["predicted_lambda"] = number(predicted_lambda);
    j["ratio"] = number(ratio);
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& p : s.runs) runs.push_back(probe_json(p));
    j["runs"] = runs;
    j["seconds"] = s.seconds;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("program        {} (N = {}, {} commands)\n", program.source, program.bits, program.command_count());
    std::cout << fmt::format("lambda         {}{}\n", decimal(lambda), given ? "" : " (default)");
    std::cout << fmt::format("bits           {}..{}: {} runs in {:.2f} s (bisection, then a confirming scan of every precision above)\n",
                             bits.lo, bits.hi, s.runs.size(), s.seconds);
    if (s.bits_min) {
      std::cout << fmt::format("minimum        mpfr:{} (every precision from {} to {} agrees to the end)\n", *s.bits_min, *s.bits_min, bits.hi);
    } else {
      std::cout << fmt::format("minimum        none: mpfr:{} already diverges\n", bits.hi);
    }
    if (!s.fails_above.empty() || !s.non_monotone.empty()) {
      std::string list;
      for (long b : s.non_monotone) list += fmt::format(" {}", b);
      std::string above;
      for (long b : s.fails_above) above += fmt::format(" {}", b);
      std::cout << fmt::format("non-monotone   agree below the minimum:{}; fail above the bisection's {}:{}\n", list.empty() ? " none" : list,
                               s.bisection_bits, above.empty() ? " none" : above);
    }
    std::cout << fmt::format("predicted      {} bits (bounds: proofs/precision.md){}\n",
                             s.predicted_bits > 0 ? std::to_string(s.predicted_bits) : "no",
                             std::isfinite(ratio) ? fmt::format(", predicted / measured = {:.2f}", ratio) : "");
  }
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
  const double ratio = s.lambda_min ? s.predicted_lambda / to_double(*s.lambda_min) : NAN;
  if (args.json) {
    nlohmann::json j;
    j["search"] = "lambda";
    j["program"] = program.source;
    j["scalar"] = scalar.name();
    j["resolution"] = to_double(resolution);
    j["lambda_cap"] = to_double(s.cap);
    j["lambda_min"] = s.lambda_min ? nlohmann::json(to_double(*s.lambda_min)) : nlohmann::json(nullptr);
    j["lambda_max"] = s.lambda_max ? nlohmann::json(to_double(*s.lambda_max)) : nlohmann::json(nullptr);
    nlohmann::json nm = nlohmann::json::array();
    for (const auto& q : s.non_monotone) nm.push_back(to_double(q));
    j["non_monotone"] = nm;
    j["predicted_lambda"] = number(s.predicted_lambda);
    j["predicted_lambda_rounding"] = s.predicted_lambda_rounding ? number(*s.predicted_lambda_rounding) : nlohmann::json(nullptr);
    j["default_lambda"] = number(s.default_lambda);
    j["ratio"] = number(ratio);
    j["best"] = s.best ? probe_json(*s.best) : nlohmann::json(nullptr);
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& p : s.runs) runs.push_back(probe_json(p));
    j["runs"] = runs;
    j["seconds"] = s.seconds;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("program        {} (N = {}, {} commands)\n", program.source, program.bits, program.command_count());
    std::cout << fmt::format("scalar         {}, resolution {}, upper end searched up to {}; {} runs in {:.2f} s\n", scalar.name(),
                             decimal(resolution), decimal(s.cap), s.runs.size(), s.seconds);
    if (s.lambda_min)
      std::cout << fmt::format("agrees         lambda in [{}, {}]\n", decimal(*s.lambda_min),
                               s.lambda_max ? decimal(*s.lambda_max) : "no upper end up to " + decimal(s.cap));
    else
      std::cout << fmt::format("agrees         at no lambda up to {}\n", decimal(s.cap));
    if (!s.non_monotone.empty()) {
      std::string list;
      for (const auto& q : s.non_monotone) list += " " + decimal(q);
      std::cout << "non-monotone  " << list << "\n";
    }
    std::cout << fmt::format("predicted      lambda >= {:g} (bounds, exact arithmetic: loop_is_exact){}; default {:g}\n", s.predicted_lambda,
                             std::isfinite(ratio) ? fmt::format(", predicted / measured = {:.2f}", ratio) : "", s.default_lambda);
    std::cout << fmt::format("with rounding  {}\n", s.predicted_lambda_rounding
                                                        ? fmt::format("lambda >= {:g} (loop_budget at {})", *s.predicted_lambda_rounding, scalar.name())
                                                        : "no lambda <= 200 satisfies the rounding budget at " + scalar.name());
  }
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
  const auto s = guarded(program, [&] { return analysis::search_grid(target, bits.lo, bits.hi, lr.a, lr.b, lr.step, common); });
  std::string csv = "bits,lambda,agree,first_divergent_loop,field,loops,predicted\n";
  const std::size_t w = s.lambdas.size();
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    const auto& c = s.cells[i];
    csv += fmt::format("{},{},{},{},{},{},{}\n", c.scalar.precision, decimal(c.lambda), c.agree ? 1 : 0,
                       c.divergence ? std::to_string(c.divergence->loop) : "", c.divergence ? c.divergence->field : "", c.loops,
                       s.predicted[i] ? 1 : 0);
  }
  if (!args.csv.empty()) {
    std::ofstream out(args.csv);
    if (!out) throw UsageError("--csv: cannot write '" + args.csv + "'");
    out << csv;
    out.close();
    if (!out) throw UsageError("--csv: writing '" + args.csv + "' failed (disk full or not a regular file?)");
  }
  if (args.json) {
    nlohmann::json j;
    j["search"] = "grid";
    j["program"] = program.source;
    j["bits"] = {bits.lo, bits.hi};
    nlohmann::json lambdas = nlohmann::json::array();
    for (const auto& l : s.lambdas) lambdas.push_back(to_double(l));
    j["lambdas"] = lambdas;
    nlohmann::json cells = nlohmann::json::array();
    for (std::size_t i = 0; i < s.cells.size(); ++i) {
      const auto& c = s.cells[i];
      cells.push_back({{"bits", c.scalar.precision},
                       {"lambda", to_double(c.lambda)},
                       {"agree", c.agree},
                       {"loops", c.loops},
                       {"first_divergent_loop", c.divergence ? nlohmann::json(c.divergence->loop) : nlohmann::json(nullptr)},
                       {"field", c.divergence ? nlohmann::json(c.divergence->field) : nlohmann::json(nullptr)},
                       {"predicted", static_cast<bool>(s.predicted[i])}});
    }
    j["cells"] = cells;
    nlohmann::json pb = nlohmann::json::array();
    for (std::size_t k = 0; k < w; ++k)
      pb.push_back({{"lambda", to_double(s.lambdas[k])}, {"bits", s.predicted_bits[k] > 0 ? nlohmann::json(s.predicted_bits[k]) : nlohmann::json(nullptr)}});
    j["predicted_bits"] = pb;
    j["predicted_lambda"] = number(s.predicted_lambda);
    j["seconds"] = s.seconds;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << csv;
    // A compact phase diagram on stderr.
    std::cerr << fmt::format("phase diagram (rows: bits {}..{}; columns: lambda {}..{} step {}; 'p' agrees where the bounds "
                             "predict it, '#' agrees beyond the prediction, '.' diverges, '!' diverges where the bounds predict agreement)\n",
                             bits.lo, bits.hi, decimal(lr.a), decimal(lr.b), decimal(lr.step));
    for (long b = bits.hi; b >= bits.lo; --b) {
      std::string line = fmt::format("{:>5} ", b);
      for (std::size_t k = 0; k < w; ++k) {
        const std::size_t i = static_cast<std::size_t>(b - bits.lo) * w + k;
        line += s.cells[i].agree ? (s.predicted[i] ? 'p' : '#') : (s.predicted[i] ? '!' : '.');
      }
      std::cerr << line << "\n";
    }
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
  grid->callback([&handler, g] { handler = [g] { return search_grid(*g); }; });

  add_search_terms_command(*search, handler);
}

}  // namespace loopcert::cli
