// `loopcert run` as text.
#include <fmt/format.h>

#include <cmath>
#include <variant>

#include "report/run_report.hpp"

namespace loopcert::report {

namespace {

std::string value_text(const compile::Value& v) {
  return std::visit([](const auto& x) { return fmt::format("{}", x); }, v);
}

std::string trace_text(const analysis::RunResult& r, const RunContext& c) {
  std::string out = trace_header_text(c.trace_header, r.layer_names);
  for (const auto& t : r.trace) out += trace_row_text(t);
  return out + trace_footer_text(r.layer_names);
}

std::string layers_text(const analysis::RunResult& r) {
  std::string out = fmt::format("per layer    largest error against the ideal (hardmax) punchcard{}:\n",
                                r.reference_exact ? "" : " (WARNING: the reference left enc(state))");
  for (const auto& p : r.layer_peaks) out += fmt::format("  {:<12} {:>10.3g}  loop {:<6} at {} / {}\n", p.layer, p.error, p.loop, p.row, p.column);
  if (!r.max_drift_layer.empty()) out += fmt::format("  the drift peaked at loop {}, where layer {} added the most\n", r.max_drift_loop, r.max_drift_layer);
  return out;
}

std::string decomposition_text(const analysis::RunResult& r) {
  const auto& p = *r.parts;
  std::string out = fmt::format(
      "decompose    drift (state rows after each loop): total {:.3g} (final {:.3g}) <= temperature {:.3g} (final {:.3g}) "
      "+ rounding {:.3g} (final {:.3g}, largest at loop {})\n",
      r.max_drift, r.final_drift, p.temperature_max, p.temperature_final, p.rounding_max, p.rounding_final, p.rounding_max_loop);
  out += std::string("             temperature: mpfr:256 at this lambda against the ideal punchcard and the exact machine") +
         (p.high_agrees ? "" : " (mpfr:256 itself DIVERGES here)") + "\n";
  out += fmt::format("             rounding: {} against mpfr:256, same lambda, layer by layer\n", r.scalar);
  out += fmt::format("  {:<12} {:>10} {:>12} {:>10}\n", "layer", "total", "temperature", "rounding");
  for (std::size_t l = 0; l < p.rounding_layers.size(); ++l)
    out += fmt::format("  {:<12} {:>10.3g} {:>12.3g} {:>10.3g}\n", r.layer_names.empty() ? std::to_string(l) : r.layer_names[l],
                       r.layer_peaks.empty() ? NAN : r.layer_peaks[l].error, p.temperature_layers[l], p.rounding_layers[l]);
  return out;
}

std::string divergence_text(const analysis::RunResult& r, const Layout& layout) {
  const auto& d = *r.first_divergence;
  std::string out = fmt::format("divergence   loop {}: {} expected {}, got {} {}\n", d.loop, d.field, d.expected, d.actual, d.detail);
  if (d.layer.empty()) return out;
  std::string chain;
  for (std::size_t l = 0; l < r.divergence_layers.size(); ++l)
    chain += fmt::format("{}{} {:.3g}{}", l ? ", " : "", r.layer_names[l], r.divergence_layers[l].error,
                         r.divergence_layers[l].row >= 0 ? " (" + layout.describe_row(r.divergence_layers[l].row) + ")" : "");
  return out + fmt::format("             first past the tolerance in layer {} ({}); errors in that loop: {}\n", d.layer, d.quantity, chain);
}

}  // namespace

std::string trace_header_text(const std::string& instruction_header, const std::vector<std::string>& layer_names) {
  std::string out = "\n  loop    pc  " + instruction_header + "  drift     margin";
  for (const auto& name : layer_names) out += fmt::format("  {:>10}", name);
  return out + "\n";
}

std::string trace_row_text(const analysis::TraceRow& t) {
  std::string line = fmt::format("  {:>5} {:>5}  {}  {:.2e}  {:.2e}", t.loop, t.instruction ? t.instruction->pc : -1,
                                 t.instruction ? t.instruction->text : "", t.drift, t.margin);
  for (const auto& e : t.layers) line += fmt::format("  {:>10.2e}", e.error);
  return line + "\n";
}

std::string trace_footer_text(const std::vector<std::string>& layer_names) {
  return layer_names.empty() ? "\n" : "  (per layer: largest |X - ideal| over the rows the layer writes, after the layer)\n\n";
}

std::string certificate_text(const analysis::RunCertificate& c, const std::string& scalar, const std::string& theorem) {
  if (c.at_scalar) return "every loop exact (" + theorem + ")";
  if (!c.exact) return "not certified at this lambda";
  std::string needs;
  if (c.needs_bits > 0) needs = fmt::format("mpfr:{} at this lambda", c.needs_bits);
  if (c.needs_lambda) needs += fmt::format("{}lambda >= {:g} at {}", needs.empty() ? "" : ", or ", *c.needs_lambda, scalar);
  return fmt::format("every loop exact in exact arithmetic, NOT certified at {} (its rounding budget fails{}{})", scalar,
                     needs.empty() ? "" : "; it needs " + needs, c.needs_lambda ? "" : "; no lambda <= 200 is certified at " + scalar);
}

std::string run_text(const analysis::RunResult& r, const RunContext& c) {
  std::string out = fmt::format("program      {} ({})\n", c.program, c.description);
  out += fmt::format("scalar       {}, lambda = {}{}\n", r.scalar, r.lambda_value, c.lambda_default ? " (default: " + c.lambda_default_text + ")" : "");
  out += fmt::format("transformer  {} layers per loop, {} heads ({} at most per layer), d = {} rows, {} ReLUs\n", r.layers, r.heads,
                     r.max_heads_per_layer, r.rows, r.hidden_units);
  out += fmt::format("bounds       {} -> {}\n", c.bounds.text,
                     c.verdict.empty() ? certificate_text(c.certificate, r.scalar, c.bounds.theorem) : c.verdict);
  if (c.trace) out += trace_text(r, c);
  out += fmt::format("run          {} steps, {}, {} loops; {} in {:.3f} s\n", r.steps,
                     r.halted ? "halted" : (r.agree ? "stopped at --max-steps" : "stopped at the divergence"), r.loops,
                     r.agree ? "transformer and reference agree at every loop" : "DIVERGED", r.seconds);
  out += fmt::format("drift        max {:.3g} (loop {}), tolerance {}, margin {:.3g}\n", r.max_drift, r.max_drift_loop, c.tolerance,
                     c.tolerance - r.max_drift);
  if (r.layers_tracked) out += layers_text(r);
  if (r.parts) out += decomposition_text(r);
  if (r.first_divergence) out += divergence_text(r, *c.layout);
  out += "memory\n";
  for (const auto& cell : r.memory) out += fmt::format("  {:>12} = {}\n", cell.name, value_text(cell.value));
  return out;
}

}  // namespace loopcert::report
