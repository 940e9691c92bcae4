// What `loopcert report` measures: every program at every scalar in lockstep (with the
// drift after every loop), the per-layer errors at double, the smallest lambda and
// precision next to the bounds' predictions, one phase diagram and one loop's attention.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>

#include "analysis/certificate.hpp"
#include "analysis/lockstep.hpp"
#include "analysis/search.hpp"
#include "compile/subleq/target.hpp"
#include "core/parallel_for.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/official_csv.hpp"
#include "isa/subleq/official_programs.hpp"
#include "report/error_report.hpp"
#include "tf/transformer.hpp"

namespace loopcert::report {

namespace fs = std::filesystem;

std::vector<ReportProgram> default_programs(const std::string& source_dir, const std::string& official_dir, bool quick) {
  std::vector<ReportProgram> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir) / "examples" / "subleq"))
    if (e.path().extension() == ".sq") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string stem = f.stem().string();
    if (quick && stem != "factorial" && stem != "fibonacci") continue;
    out.push_back({stem, f.string(), "", "", ""});
  }
  for (const auto& p : isa::kOfficialPrograms) {
    if (quick && p.name != "ftrl") continue;
    const fs::path cmds = fs::path(official_dir) / (std::string(p.name) + "_cmds.csv");
    const fs::path mem = fs::path(official_dir) / (std::string(p.name) + "_init_mem.csv");
    if (fs::exists(cmds) && fs::exists(mem)) out.push_back({"official " + std::string(p.name), "", cmds, mem, std::string(p.layout)});
  }
  return out;
}

std::vector<ScalarSpec> default_scalars(bool quick) {
  const char* full[] = {"double", "float", "long-double", "float128", "mpfr:16", "mpfr:24", "bf16", "fp16", "tf32", "fp8e4m3"};
  const char* brief[] = {"double", "float", "mpfr:16", "bf16", "fp16"};
  std::vector<ScalarSpec> out;
  if (quick)
    for (const char* s : brief) out.push_back(parse_scalar(s));
  else
    for (const char* s : full) out.push_back(parse_scalar(s));
  return out;
}

namespace {

isa::SubleqProgram load(const ReportProgram& p) {
  if (!p.path.empty()) return isa::load_sq(p.path);
  return isa::load_official_csv(p.cmds, p.mem, isa::parse_layout(p.layout));
}

std::string divergence_text(const analysis::Divergence& d) {
  std::string s = fmt::format("loop {}: {} expected {}, got {}", d.loop, d.field, d.expected, d.actual);
  if (!d.layer.empty()) s += " (in " + d.layer + (d.quantity.empty() ? "" : ", " + d.quantity) + ")";
  return s;
}

ScalarVerdict run_at(const compile::LoopTarget& target, const ScalarSpec& scalar) {
  analysis::RunOptions o;
  o.scalar = scalar;
  o.lambda = target.predict.default_lambda;
  o.trace = true;
  o.track_layers = false;
  const analysis::RunResult r = analysis::run_lockstep(target, o);
  const analysis::RunCertificate c = analysis::certify_run(target.predict, scalar, o.lambda);
  ScalarVerdict v{scalar.name(), r.engine, r.agree, r.halted, r.loops, r.steps, "", c.at_scalar, c.exact, c.needs_bits,
                  r.max_drift, {}, r.seconds};
  if (r.first_divergence) v.divergence = divergence_text(*r.first_divergence);
  for (const auto& row : r.trace) v.drift.push_back(row.drift);
  return v;
}

std::vector<LayerBar> layer_peaks(const compile::LoopTarget& target) {
  analysis::RunOptions o;
  o.scalar = parse_scalar("double");
  o.lambda = target.predict.default_lambda;
  const analysis::RunResult r = analysis::run_lockstep(target, o);
  std::vector<LayerBar> out;
  for (const auto& p : r.layer_peaks) out.push_back({p.layer, p.error, p.loop, p.row});
  return out;
}

void minimum_settings(const compile::LoopTarget& target, ProgramReport& p, const analysis::SearchCommon& common) {
  const analysis::LambdaSearch l = analysis::search_lambda(target, parse_scalar("double"), Rational(1, 4), Rational(64), common);
  if (l.lambda_min) p.lambda_min = to_double(*l.lambda_min);
  p.lambda_predicted = l.predicted_lambda;
  const analysis::PrecisionSearch s = analysis::search_precision(target, target.predict.default_lambda, 2, 64, common);
  p.bits_min = s.bits_min;
  p.bits_predicted = s.predicted_bits;
}

ProgramReport measure_program(const ReportProgram& rp, const ReportOptions& options) {
  const isa::SubleqProgram program = load(rp);
  const compile::LoopTarget target = compile::subleq_target(program, blocks::BlockParams{});
  ProgramReport p;
  p.name = rp.name;
  p.bits = program.bits;
  p.columns = target.compiled->layout.columns();
  p.layers = static_cast<int>(target.compiled->loop.layers.size());
  p.heads = target.compiled->loop.head_count();
  p.commands = program.command_count();
  p.default_lambda = to_double(target.predict.default_lambda);
  p.scalars.resize(options.scalars.size());
  parallel_for(options.scalars.size(), options.jobs, [&](std::size_t i) { p.scalars[i] = run_at(target, options.scalars[i]); });
  for (const auto& v : p.scalars)
    if (v.scalar == "double") p.steps = v.steps;
  p.layer_peaks = layer_peaks(target);
  analysis::SearchCommon common;
  common.jobs = options.jobs;
  minimum_settings(target, p, common);
  return p;
}

PhaseDiagram phase_diagram(const ReportProgram& rp, const ReportOptions& options) {
  const compile::LoopTarget target = compile::subleq_target(load(rp), blocks::BlockParams{});
  analysis::SearchCommon common;
  common.jobs = options.jobs;
  const long lo = 4, hi = options.quick ? 28 : 40;
  const analysis::GridSearch g =
      analysis::search_grid(target, lo, hi, Rational(1), Rational(options.quick ? 6 : 10), Rational(1, 2), common);
  PhaseDiagram d;
  d.program = rp.name;
  for (const auto& l : g.lambdas) d.lambdas.push_back(to_double(l));
  for (long b = g.lo; b <= g.hi; ++b) d.bits.push_back(b);
  d.agree.assign(d.bits.size(), std::vector<int>(d.lambdas.size(), 0));
  for (std::size_t i = 0; i < d.bits.size(); ++i)
    for (std::size_t j = 0; j < d.lambdas.size(); ++j) d.agree[i][j] = g.cells[i * d.lambdas.size() + j].agree ? 1 : 0;
  d.predicted_bits = g.predicted_bits;
  return d;
}

// The softmax weights of every head of the first loop at double: scores (K X)^T (Q X)
// times the layer's scale, normalised down each query column, from the X the layer sees.
std::vector<AttentionMap> first_loop_attention(const ReportProgram& rp) {
  const isa::SubleqProgram program = load(rp);
  const compile::LoopTarget target = compile::subleq_target(program, blocks::BlockParams{});
  const LoopSpec& loop = target.compiled->loop;
  const Rational lambda = target.predict.default_lambda;
  auto tf = instantiate<double>(loop, AttentionMode::Softmax, lambda);
  Matrix<double> X = to_scalar<double>(target.compiled->X0);
  const Layout& layout = target.compiled->layout;
  const int n = layout.columns();
  std::vector<std::string> names;
  for (int j = 0; j < n; ++j) names.push_back(layout.describe_column(j));
  std::vector<AttentionMap> out;
  for (int l = 0; l < static_cast<int>(loop.layers.size()); ++l) {
    const LayerSpec& layer = loop.layers[l];
    const double scale = to_double(layer.scale == ScoreScale::RunTemperature ? lambda : layer.lambda);
    for (const auto& h : layer.heads) {
      Matrix<double> qx = Matrix<double>::Zero(h.key_dim, n), kx = Matrix<double>::Zero(h.key_dim, n);
      for (const auto& e : h.query.entries) qx.row(e.row) += to_double(e.value) * X.row(e.col);
      for (const auto& e : h.key.entries) kx.row(e.row) += to_double(e.value) * X.row(e.col);
      AttentionMap m{rp.name, layer.name, h.name, 1, names, std::vector<std::vector<double>>(n, std::vector<double>(n))};
      for (int t = 0; t < n; ++t) {
        std::vector<double> s(n);
        double top = -INFINITY, sum = 0;
        for (int j = 0; j < n; ++j) top = std::max(top, s[j] = scale * kx.col(j).dot(qx.col(t)));
        for (int j = 0; j < n; ++j) sum += (s[j] = std::exp(s[j] - top));
        for (int j = 0; j < n; ++j) m.weights[t][j] = s[j] / sum;
      }
      out.push_back(std::move(m));
    }
    tf.apply_layer(l, X);
  }
  return out;
}

std::vector<Disagreement> disagreements(const ErrorReport& r) {
  std::vector<Disagreement> out;
  const ProgramReport* ftrl = nullptr;
  for (const auto& p : r.programs)
    if (p.name == "official ftrl") ftrl = &p;
  const ProgramReport& any = ftrl ? *ftrl : r.programs.front();
  out.push_back({"layers and heads of the SUBLEQ loop", "9 layers, 2 heads (Table 1)",
                 fmt::format("{} layers, {} heads (at most 2 in a layer)", any.layers, any.heads),
                 "blocks on disjoint rows share a layer; measured on " + any.name});
  if (any.lambda_min)
    out.push_back({"softmax temperature", "the authors' notebooks run lambda = 100 (run.sh: 10)",
                   fmt::format("lambda = {} is enough at double on {}", fmt_number(*any.lambda_min), any.name),
                   fmt::format("search lambda at double; the bounds predict {}", fmt_number(any.lambda_predicted))});
  out.push_back({"the read lemma's error", "no term for the operand width N",
                 "the subtraction amplifies read noise by 2^(N+1); loopcert snaps every copied bit (proofs/subtract.md)",
                 "properties/subtract.cpp; the negative check without the snap diverges"});
  return out;
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

}  // namespace

ErrorReport measure(const ReportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.programs.empty()) throw std::invalid_argument("no programs to report on");
  ErrorReport r;
  r.generated = now_utc();
  r.quick = options.quick;
  for (const auto& s : options.scalars) r.scalars.push_back(s.name());
  for (const auto& p : options.programs) {
    if (options.log) options.log("report: " + p.name);
    r.programs.push_back(measure_program(p, options));
  }
  if (options.log) options.log("report: phase diagram of " + options.programs.front().name);
  r.phase = phase_diagram(options.programs.front(), options);
  r.attention = first_loop_attention(options.programs.front());
  r.disagreements = disagreements(r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

std::string fmt_number(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";
  if (x == std::round(x) && std::abs(x) < 1e6) return fmt::format("{}", static_cast<long long>(x));
  return fmt::format("{:.3g}", x);
}

}  // namespace loopcert::report
