// What `loopcert report` measures (report/detail/error_report_measure.hpp): every program
// at every scalar in lockstep (with the drift after every loop), the per-layer errors at
// double, the smallest lambda and precision next to the bounds' predictions, a row of the
// phase diagram, one loop's attention; and the paper comparison derived from them.
#include <filesystem>

#include <fmt/format.h>

#include "analysis/certificate.hpp"
#include "analysis/lockstep.hpp"
#include "analysis/search.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/official_csv.hpp"
#include "isa/subleq/official_programs.hpp"
#include "report/detail/error_report_measure.hpp"
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

compile::LoopTarget target_of(const ReportProgram& rp) { return compile::subleq_target(load(rp), blocks::BlockParams{}); }

std::string divergence_text(const analysis::Divergence& d) {
  std::string s = fmt::format("loop {}: {} expected {}, got {}", d.loop, d.field, d.expected, d.actual);
  if (!d.layer.empty()) s += " (in " + d.layer + (d.quantity.empty() ? "" : ", " + d.quantity) + ")";
  return s;
}

}  // namespace

namespace detail {

ScalarVerdict run_at(const ReportProgram& rp, const ScalarSpec& scalar) {
  const compile::LoopTarget target = target_of(rp);
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

ProgramReport program_facts(const ReportProgram& rp) {
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
  analysis::RunOptions o;
  o.scalar = parse_scalar("double");
  o.lambda = target.predict.default_lambda;
  const analysis::RunResult r = analysis::run_lockstep(target, o);
  p.steps = r.steps;
  for (const auto& b : r.layer_peaks) p.layer_peaks.push_back({b.layer, b.error, b.loop, b.row});
  return p;
}

void minimum_settings(const ReportProgram& rp, ProgramReport& p, int jobs) {
  const compile::LoopTarget target = target_of(rp);
  analysis::SearchCommon common;
  common.jobs = jobs;
  const analysis::LambdaSearch l = analysis::search_lambda(target, parse_scalar("double"), Rational(1, 4), Rational(64), common);
  if (l.lambda_min) p.lambda_min = to_double(*l.lambda_min);
  p.lambda_predicted = l.predicted_lambda;
  const analysis::PrecisionSearch s = analysis::search_precision(target, target.predict.default_lambda, 2, 64, common);
  p.bits_min = s.bits_min;
  p.bits_predicted = s.predicted_bits;
}

std::vector<long> phase_bits(bool quick) {
  std::vector<long> out;
  for (long b = 4; b <= (quick ? 28 : 40); ++b) out.push_back(b);
  return out;
}

PhaseDiagram phase_row(const ReportProgram& rp, bool quick, long bits, int jobs) {
  const compile::LoopTarget target = target_of(rp);
  analysis::SearchCommon common;
  common.jobs = jobs;
  const analysis::GridSearch g = analysis::search_grid(target, bits, bits, Rational(1), Rational(quick ? 6 : 10), Rational(1, 2), common);
  PhaseDiagram d;
  d.program = rp.name;
  for (const auto& l : g.lambdas) d.lambdas.push_back(to_double(l));
  d.bits = {bits};
  d.agree.emplace_back();
  for (const auto& cell : g.cells) d.agree.back().push_back(cell.agree ? 1 : 0);
  d.predicted_bits = g.predicted_bits;
  return d;
}

// Scores (K X)^T (Q X) times the layer's scale, normalised down each query column, from
// the X each layer sees.
std::vector<AttentionMap> first_loop_attention(const ReportProgram& rp) {
  const compile::LoopTarget target = target_of(rp);
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

}  // namespace detail

std::vector<Disagreement> disagreements(const ErrorReport& r) {
  std::vector<Disagreement> out;
  if (r.programs.empty()) return out;
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

std::string fmt_number(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";
  if (x == std::round(x) && std::abs(x) < 1e6) return fmt::format("{}", static_cast<long long>(x));
  return fmt::format("{:.3g}", x);
}

}  // namespace loopcert::report
