// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/formats_study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/detail/formats_rows.hpp"
#include "bounds/subleq_loop.hpp"
#include "compile/subleq/target.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::analysis {

namespace {

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

// Calls check(value, where) for every weight and bias of the loop.
template <class Check>
void for_each_weight(const compile::CompiledSubleq& c, Check&& check) {
  const Layout& layout = c.layout;
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
}

std::string reason_of(const FormatRow& row, const Layout& layout) {
  if (!row.run || row.run->agree) return "";
  std::string out = describe_break(*row.run, layout);
  if (row.weights.changed) {
    out += fmt::format("; {} of {} weights not representable", row.weights.changed, row.weights.total);
    if (row.weights.non_finite) out += fmt::format(" ({} overflow to inf/NaN)", row.weights.non_finite);
    if (!row.weights.worst.empty()) out += ", e.g. " + describe(row.weights.worst.front());
  }
  return out;
}

// Fills row: the lambda search, the tracked run at the best lambda, the weights, the
// bounds at that lambda, and what breaks just outside the interval.
void study_one(FormatRow& row, const isa::SubleqProgram& program, const ScalarSpec& scalar, const FormatsStudyOptions& o) {
  SearchCommon c;
  c.max_steps = o.search_steps;
  c.jobs = 1;
  if (o.progress) o.progress(fmt::format("formats: {} at {}: searching lambda", program.source, scalar.name()));
  const compile::LoopTarget target = compile::subleq_target(program, blocks::BlockParams{});
  row.search = search_lambda(target, scalar, o.resolution, o.lambda_cap, c);
  const Rational best = row.search.best ? row.search.best->lambda : Rational(1);
  RunOptions ro;
  ro.scalar = scalar;
  ro.lambda = best;
  ro.max_steps = o.max_steps;
  ro.track_layers = true;
  row.run = run_lockstep(target, ro);
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
    RunOptions o2 = ro;
    o2.lambda = lambda;
    o2.max_steps = o.search_steps;
    const auto r = run_lockstep(target, o2);
    return r.agree ? std::string("agrees (non-monotone)") : describe_break(r, layout);
  };
  if (row.search.lambda_min && *row.search.lambda_min > o.resolution) row.below = why(*row.search.lambda_min - o.resolution);
  if (row.search.lambda_max) row.above = why(*row.search.lambda_max + o.resolution);
  if (o.progress)
    o.progress(fmt::format("formats: {} at {}: {} at lambda {}", program.source, scalar.name(), row.run->agree ? "agrees" : "diverges",
                           lambda_label(best)));
}

}  // namespace

WeightReport weight_report(const compile::CompiledSubleq& c, const ScalarSpec& s) {
  WeightReport r;
  std::vector<WeightChange> all;
  for_each_weight(c, [&](const Rational& q, const std::string& where) {
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
  });
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

std::string lambda_label(const Rational& q) { return fmt::format("{:g}", to_double(q)); }

std::string describe_break(const RunResult& r, const Layout& layout) {
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

FormatsStudy study_formats(const std::vector<isa::SubleqProgram>& programs, const std::vector<ScalarSpec>& formats,
                           const FormatsStudyOptions& o) {
  FormatsStudy study;
  study.rows = detail::study_pairs<FormatRow>(programs, formats, o.threads,
                                              [&](FormatRow& row, const isa::SubleqProgram& p, const ScalarSpec& s) { study_one(row, p, s, o); });
  study.certified_formats_agree = detail::certified_formats_agree(study.rows);
  return study;
}

}  // namespace loopcert::analysis
