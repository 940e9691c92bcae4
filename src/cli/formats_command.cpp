// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "cli/formats_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "bounds/subleq_loop.hpp"
#include "core/parallel_for.hpp"
#include "analysis/lockstep.hpp"
#include "bounds/precision.hpp"
#include "analysis/search.hpp"
#include "cli/program_source.hpp"
#include "cli/search_command.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "core/scalar.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"
#include "core/input_error.hpp"

namespace loopcert::cli {

namespace {

const char* kDefaultFormats = "float,double,long-double,float128,tf32,fp16,bf16,fp8e4m3,fp8e5m2";

// --- weights the format cannot hold ----------------------------------------------------

std::optional<Rational> exact_of(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  return Rational(d);
}

// The value the format holds for q (nullopt: inf or NaN); q itself when it is exact.
std::optional<Rational> rounded(const Rational& q, const ScalarSpec& s) {
  const double odd = loopcert::detail::rational_to_double_odd(q);
  switch (s.kind) {
    case ScalarKind::Bf16: return exact_of(round_to_format(odd, formats::bf16));
    case ScalarKind::Fp16: return exact_of(round_to_format(odd, formats::fp16));
    case ScalarKind::Tf32: return exact_of(round_to_format(odd, formats::tf32));
    case ScalarKind::Fp8e4m3: return exact_of(round_to_format(odd, formats::fp8e4m3));
    case ScalarKind::Fp8e5m2: return exact_of(round_to_format(odd, formats::fp8e5m2));
    case ScalarKind::Float: return exact_of(static_cast<double>(ScalarTraits<float>::from_rational(q)));
    case ScalarKind::Double: return exact_of(ScalarTraits<double>::from_rational(q));
    default: {
      const int P = scalar_facts(s).precision;
      const int need = bounds::significant_bits(q);
      if (P <= 0 || (need >= 0 && need <= P)) return q;
      return exact_of(to_double(q));  // (not reached for the SUBLEQ weights: at most N + 1 bits)
    }
  }
}

struct WeightChange {
  std::string where;  // "arithmetic: W2 -> diff[0]"
  Rational exact;
  std::optional<Rational> held;
  double relative = 0;
};

struct WeightReport {
  int total = 0, changed = 0, non_finite = 0;
  std::vector<WeightChange> worst;  // largest relative changes (non-finite first)
  std::string lambda_note;          // lambda itself rounded
};

WeightReport weight_report(const compile::CompiledSubleq& c, const ScalarSpec& s) {
  WeightReport r;
  std::vector<WeightChange> all;
  const Layout& layout = c.layout;
  auto check = [&](const Rational& q, const std::string& where) {
    ++r.total;
    const auto held = rounded(q, s);
    if (held && *held == q) return;
    ++r.changed;
    WeightChange w{where, q, held, 0};
    if (!held) {
      ++r.non_finite;
      w.relative = INFINITY;
    } else {
      w.relative = q == 0 ? INFINITY : std::abs(to_double(Rational((*held - q) / q)));
    }
    all.push_back(std::move(w));
  };
  for (const auto& layer : c.loop.layers) {
    // Name each hidden unit by the first row it writes.
    std::map<int, std::string> unit_row;
    for (const auto& e : layer.ffn.w2.entries)
      if (!unit_row.count(e.col)) unit_row[e.col] = layout.describe_row(e.row);
    auto unit = [&](int u) { return unit_row.count(u) ? unit_row[u] : "unit " + std::to_string(u); };
    for (const auto& h : layer.heads) {
      for (const auto& e : h.query.entries) check(e.value, layer.name + ": query of head " + h.name);
      for (const auto& e : h.key.entries) check(e.value, layer.name + ": key of head " + h.name);
      for (const auto& e : h.value.entries) check(e.value, layer.name + ": value -> " + layout.describe_row(e.row));
    }
    for (const auto& e : layer.ffn.w1.entries) check(e.value, layer.name + ": W1 of the unit for " + unit(e.row));
    for (std::size_t u = 0; u < layer.ffn.b1.size(); ++u) check(layer.ffn.b1[u], layer.name + ": b1 of the unit for " + unit(static_cast<int>(u)));
    for (const auto& e : layer.ffn.w2.entries) check(e.value, layer.name + ": W2 -> " + layout.describe_row(e.row));
    for (const auto& [row, b] : layer.ffn.b2) check(b, layer.name + ": b2 -> " + layout.describe_row(row));
  }
  std::stable_sort(all.begin(), all.end(), [](const WeightChange& a, const WeightChange& b) { return a.relative > b.relative; });
  // Distinct exact values only, the three worst.
  for (const auto& w : all) {
    if (r.worst.size() >= 3) break;
    bool seen = false;
    for (const auto& x : r.worst) seen = seen || x.exact == w.exact;
    if (!seen) r.worst.push_back(w);
  }
  const auto l = rounded(c.params.lambda, s);
  if (l && *l != c.params.lambda) r.lambda_note = fmt::format("lambda {} is held as {}", to_string(c.params.lambda), to_string(*l));
  return r;
}

std::string describe(const WeightChange& w) {
  return fmt::format("{} {} -> {}", w.where, to_string(w.exact), w.held ? to_string(*w.held) : "inf/NaN");
}

// --- one (program, format) row ------------------------------------------------------

struct Row {
  std::string program, format;
  analysis::LambdaSearch search;
  std::optional<analysis::RunResult> run;  // at the best lambda, tracked, to the end
  WeightReport weights;
  bounds::LoopBudget budget;
  std::string reason;
  std::string below, above;  // why lambda_min - R and lambda_max + R fail
};

std::string fmt_lambda(const Rational& q) { return fmt::format("{:g}", to_double(q)); }

// Where a run broke: the divergence, and the per-layer errors of that loop.
std::string broke(const analysis::RunResult& r, const Layout& layout) {
  std::string out;
  if (r.first_divergence) {
    const auto& d = *r.first_divergence;
    if (d.field == "non-finite")
      out = fmt::format("loop {}: overflow to {} in layer {} ({})", d.loop, d.actual, d.layer, d.quantity);
    else
      out = fmt::format("loop {}: {} wrong; first past the tolerance in layer {} ({})", d.loop, d.field == "invalid" ? "the state decodes" : d.field,
                        d.layer, d.quantity);
    std::string chain;
    for (std::size_t l = 0; l < r.divergence_layers.size(); ++l)
      chain += fmt::format("{}{} {:.3g}{}", l ? ", " : "", r.layer_names[l], r.divergence_layers[l].error,
                           r.divergence_layers[l].row >= 0 ? " (" + layout.describe_row(r.divergence_layers[l].row) + ")" : "");
    if (!chain.empty()) out += "; errors in that loop: " + chain;
  }
  return out;
}

std::string reason_of(const Row& row, const Layout& layout) {
  if (!row.run || row.run->agree) return "";
  std::string out = broke(*row.run, layout);
  if (row.weights.changed) {
    out += fmt::format("; {} of {} weights not representable", row.weights.changed, row.weights.total);
    if (row.weights.non_finite) out += fmt::format(" ({} overflow to inf/NaN)", row.weights.non_finite);
    if (!row.weights.worst.empty()) out += ", e.g. " + describe(row.weights.worst.front());
  }
  return out;
}

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

void add_formats_verify_options(CLI::App& verify, FormatsOptions& o) {
  verify.add_option("--program", o.programs, "formats: the .sq programs (default: examples/subleq/*.sq)");
  verify.add_option("--formats", o.formats, std::string("formats: comma-separated scalars (default ") + kDefaultFormats + ")");
  verify.add_option("--resolution", o.resolution, "formats: resolution of the lambda interval")->capture_default_str();
  verify.add_option("--lambda-max", o.lambda_max, "formats: largest lambda tried for the upper end")->capture_default_str();
  verify.add_option("--search-steps", o.search_steps, "formats: reference steps of each lambda-search run")->capture_default_str();
  verify.add_option("--jobs", o.jobs, "formats: (program, format) pairs searched in parallel (default: cores, at most 2)");
}

int run_verify_formats(const FormatsOptions& o, const VerifyCommon& common) {
  // Arguments.
  std::vector<std::string> programs = o.programs;
  if (programs.empty()) {
    const std::filesystem::path dir = "examples/subleq";
    if (!std::filesystem::is_directory(dir))
      throw UsageError("verify formats: no --program given and examples/subleq/ is not in the current directory");
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".sq") programs.push_back(e.path().string());
    std::sort(programs.begin(), programs.end());
  }
  std::vector<ScalarSpec> scalars;
  std::stringstream list(o.formats.empty() ? kDefaultFormats : o.formats);
  for (std::string name; std::getline(list, name, ',');) {
    if (name.empty()) throw UsageError("--formats '" + o.formats + "': an empty name in the list");
    try {
      scalars.push_back(parse_scalar(name));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--formats: ") + e.what());
    }
    if (scalars.back().kind == ScalarKind::Mpfi) throw UsageError("--formats: mpfi:P is for certificates, not runs");
  }
  if (scalars.empty()) throw UsageError("--formats: no format given");
  const Rational resolution = parse_positive("--resolution", o.resolution);
  const Rational cap = parse_positive("--lambda-max", o.lambda_max);
  check_lambda_search(resolution, cap);
  if (o.search_steps < 1) throw UsageError("--search-steps must be >= 1");
  if (o.jobs && *o.jobs < 1) throw UsageError("--jobs must be >= 1 (got " + std::to_string(*o.jobs) + ")");
  std::vector<isa::SubleqProgram> loaded;
  for (const auto& p : programs) {
    ProgramSource src;
    src.path = p;
    loaded.push_back(load_program(src));
    check_transformer_size(loaded.back());
  }

  // Work: every (program, format), `jobs` at a time.
  std::vector<Row> rows;
  for (const auto& p : loaded)
    for (const auto& s : scalars) {
      Row row;
      row.program = p.source;
      row.format = s.name();
      rows.push_back(std::move(row));
    }
  std::mutex log_mutex;
  auto log = [&](const std::string& line) {
    if (common.json) return;
    std::lock_guard<std::mutex> lock(log_mutex);
    std::cerr << line << "\n";
  };
  auto work = [&](std::size_t i) {
    Row& row = rows[i];
    const isa::SubleqProgram& program = loaded[i / scalars.size()];
    const ScalarSpec& scalar = scalars[i % scalars.size()];
    analysis::SearchCommon c;
    c.max_steps = o.search_steps;
    c.jobs = 1;
    log(fmt::format("formats: {} at {}: searching lambda", program.source, scalar.name()));
    const compile::LoopTarget target = compile::subleq_target(program, blocks::BlockParams{});
    row.search = analysis::search_lambda(target, scalar, resolution, cap, c);
    const Rational best = row.search.best ? row.search.best->lambda : Rational(1);
    analysis::RunOptions ro;
    ro.scalar = scalar;
    ro.lambda = best;
    ro.max_steps = o.max_steps;
    ro.track_layers = true;
    row.run = analysis::run_lockstep(target, ro);
    blocks::BlockParams params;
    params.lambda = best;  // the weight report names the rounded lambda
    const auto compiled = compile::compile_subleq(program, params);
    row.weights = weight_report(compiled, scalar);
    const Layout& layout = compiled.layout;
    const int P = scalar_facts(scalar).precision;
    row.budget = bounds::loop_budget(compiled.loop, layout.columns(), layout.address_bits(), program.bits, bounds::rounded_lambda(best, P),
                                     bounds::unit_roundoff(scalar), compile::loop_constants(params), P, scalar_facts(scalar).max_finite);
    row.reason = reason_of(row, layout);
    auto why = [&](const Rational& lambda) {
      analysis::RunOptions o2 = ro;
      o2.lambda = lambda;
      o2.max_steps = o.search_steps;
      const auto r = analysis::run_lockstep(target, o2);
      return r.agree ? std::string("agrees (non-monotone)") : broke(r, layout);
    };
    if (row.search.lambda_min && *row.search.lambda_min > resolution) row.below = why(*row.search.lambda_min - resolution);
    if (row.search.lambda_max) row.above = why(*row.search.lambda_max + resolution);
    log(fmt::format("formats: {} at {}: {} at lambda {}", program.source, scalar.name(), row.run->agree ? "agrees" : "diverges", fmt_lambda(best)));
  };
  const int threads = std::max(1, std::min<int>(o.jobs ? *o.jobs : std::min(2u, std::max(1u, std::thread::hardware_concurrency())),
                                                static_cast<int>(rows.size())));
  try {
    parallel_for(rows.size(), threads, work);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("verify formats: ") + e.what());
  }


  bool certified_ok = true;
  for (const auto& r : rows)
    if ((r.format == "double" || r.format == "long-double" || r.format == "float128") && !(r.run && r.run->agree)) certified_ok = false;

  auto interval = [&](const Row& r) {
    if (!r.search.lambda_min) return std::string("none");
    return fmt::format("[{}, {}]", fmt_lambda(*r.search.lambda_min), r.search.lambda_max ? fmt_lambda(*r.search.lambda_max) : "-");
  };
  if (common.json) {
    nlohmann::json j;
    j["resolution"] = to_double(resolution);
    j["lambda_cap"] = to_double(cap);
    j["search_steps"] = o.search_steps;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json e;
      e["program"] = r.program;
      e["format"] = r.format;
      e["lambda_min"] = r.search.lambda_min ? nlohmann::json(to_double(*r.search.lambda_min)) : nlohmann::json(nullptr);
      e["lambda_max"] = r.search.lambda_max ? nlohmann::json(to_double(*r.search.lambda_max)) : nlohmann::json(nullptr);
      e["non_monotone"] = r.search.non_monotone.size();
      e["best_lambda"] = r.search.best ? nlohmann::json(to_double(r.search.best->lambda)) : nlohmann::json(nullptr);
      e["predicted_lambda"] = number(r.search.predicted_lambda);
      e["predicted_lambda_rounding"] = r.search.predicted_lambda_rounding ? number(*r.search.predicted_lambda_rounding) : nlohmann::json(nullptr);
      const auto& run = *r.run;
      e["loops"] = run.loops;
      e["steps"] = run.steps;
      e["halted"] = run.halted;
      e["agreed"] = run.agree;
      e["max_drift"] = number(run.max_drift);
      if (run.first_divergence) {
        const auto& d = *run.first_divergence;
        e["first_divergence"] = {{"loop", d.loop}, {"field", d.field}, {"expected", d.expected}, {"actual", d.actual},
                                 {"detail", d.detail}, {"layer", d.layer}, {"quantity", d.quantity}};
      } else {
        e["first_divergence"] = nullptr;
      }
      e["reason"] = r.reason;
      e["below_interval"] = r.below;
      e["above_interval"] = r.above;
      nlohmann::json peaks = nlohmann::json::array();
      for (const auto& p : run.layer_peaks) peaks.push_back({{"layer", p.layer}, {"error", number(p.error)}, {"loop", p.loop}, {"row", p.row}});
      e["layer_errors"] = peaks;
      nlohmann::json worst = nlohmann::json::array();
      for (const auto& w : r.weights.worst) worst.push_back(describe(w));
      e["weights"] = {{"total", r.weights.total}, {"not_representable", r.weights.changed}, {"non_finite", r.weights.non_finite},
                      {"examples", worst}, {"lambda", r.weights.lambda_note}};
      e["bounds"] = {{"certified", r.budget.holds}, {"failing", r.budget.failing}};
      list.push_back(e);
    }
    j["formats"] = list;
    j["certified_formats_agree"] = certified_ok;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("formats table: each program at every format, at the format's best lambda (lambda searched to resolution {} "
                             "on the first {} steps, upper end up to {}; the run at the best lambda goes to the end)\n\n",
                             fmt_lambda(resolution), o.search_steps, fmt_lambda(cap));
    std::cout << "| program | format | lambda interval | best lambda | loops | agreed | max drift | first divergence | bounds |\n";
    std::cout << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (const auto& r : rows) {
      const auto& run = *r.run;
      std::string div = "-";
      if (run.first_divergence)
        div = fmt::format("loop {}: {} ({})", run.first_divergence->loop, run.first_divergence->field,
                          run.first_divergence->layer.empty() ? run.first_divergence->detail : "layer " + run.first_divergence->layer);
      std::cout << fmt::format("| {} | {} | {} | {} | {} | {} | {:.2g} | {} | {} |\n", std::filesystem::path(r.program).filename().string(), r.format,
                               interval(r), r.search.best ? fmt_lambda(r.search.best->lambda) : "-", run.loops, run.agree ? "yes" : "no",
                               run.max_drift, div, r.budget.holds ? "certified" : "not certified: " + r.budget.failing);
    }
    bool any = false;
    for (const auto& r : rows)
      if (!r.reason.empty()) {
        if (!any) std::cout << "\nwhy the failures fail:\n";
        any = true;
        std::cout << fmt::format("- {} at {}: {}\n", std::filesystem::path(r.program).filename().string(), r.format, r.reason);
      }
    bool ends = false;
    for (const auto& r : rows)
      if (!r.below.empty() || !r.above.empty()) {
        if (!ends) std::cout << "\nwhat breaks at the ends of the lambda interval:\n";
        ends = true;
        const std::string name = std::filesystem::path(r.program).filename().string();
        if (!r.below.empty()) std::cout << fmt::format("- {} at {}, lambda {}: {}\n", name, r.format, fmt_lambda(*r.search.lambda_min - resolution), r.below);
        if (!r.above.empty()) std::cout << fmt::format("- {} at {}, lambda {}: {}\n", name, r.format, fmt_lambda(*r.search.lambda_max + resolution), r.above);
      }
    std::cout << "\nlambda interval: agreeing lambdas found by `loopcert search lambda` ('-': no upper end up to the cap); bounds: "
                 "loop_budget (proofs/precision.md) at the format's precision\n";
  }
  return certified_ok ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
