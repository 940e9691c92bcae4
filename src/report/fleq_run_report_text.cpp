// `loopcert run P.fq` as text: the generic report, the real cells' errors, the loop
// theorem per written cell, the functions' fits, --decompose, and the streamed trace.
#include <fmt/format.h>

#include <cmath>

#include "report/fleq_run_report.hpp"

namespace loopcert::report {

namespace {

std::string g3(double x) { return std::isnan(x) ? "-" : fmt::format("{:.3g}", x); }

std::string controller_text(const FleqTheorem& t) {
  const auto& k = t.controller;
  if (!k.exact()) return "controller NOT exact: " + k.reason;
  return fmt::format("controller exact ({}; an .int entry before the snap within {:.3g} <= 1/4, the flag within {:.3g} <= 1/4)",
                     t.lemma_f ? "Lemma F: the fetch's copy is exactly +-1, every controller row exact" : "drift regime: the controller rows within a gate drift",
                     k.int_error, k.flag_error);
}

std::string theorem_text(const FleqTheorem& t) {
  std::string out = fmt::format("loop theorem proofs/fleq_loop.md at {} (u = {:.3g}): {}\n", t.scalar, t.u, controller_text(t));
  const auto cells = fleq_cell_summaries(t);
  if (!cells.empty()) {
    out += "  per written real cell: the bound of each entry written (Theorem 2, worst over its instructions) and the largest\n"
           "  |written - f(own operands)| observed, f applied exactly to the operands the transformer held before the loop\n";
    out += fmt::format("  {:<10} {:>6} {:>7} {:>11} {:>11} {:>9}  {}\n", "cell", "instr", "loops", "bound", "observed", "obs/bound", "worst at");
    for (const auto& c : cells)
      // No finite bound: no ratio either (observed / inf = 0 would read as a pass).
      out += fmt::format("  {:<10} {:>6} {:>7} {:>11.3g} {:>11.3g} {:>9}  {}\n", c.cell, c.instructions, c.loops, c.bound, c.observed,
                         std::isfinite(c.bound) ? fmt::format("{:.3g}", c.ratio) : std::string("-"),
                         c.worst ? fmt::format("line {}: {}", c.worst->line, c.worst->text) : "");
  }
  out += fmt::format("  stored real entries at most {:.17g} (H2: <= {:.17g})\n", t.stored_max, t.stored_limit);
  return out + "  -> " + fleq_verdict_text(t) + "\n";
}

std::string fits_text(const std::vector<FleqFitReport>& fits) {
  std::string out;
  for (const auto& f : fits)
    out += fmt::format("function     {} on [{:g}, {:g}]: m = {} terms, width {:.4g}, sum |c_j| = {:.4g}, certified fit error E_w <= {:.3g} on the "
                       "range widened by w = {:.3g}{}\n",
                       f.function, f.lo, f.hi, f.terms, f.width, f.sum_c, f.fit_error, f.margin, f.converged ? "" : " (certificate not converged)");
  return out;
}

std::string decomposition_text(const compile::FleqDecomposition& d) {
  std::string out = fmt::format(
      "decompose    the block-exact machine (each function its block's sum of sigmoids, exactly) beside the exact one, |x - x*| / max(1, |x*|):\n"
      "             approximation (block-exact vs ideal) max {} ({} at loop {}); leak + rounding (transformer vs block-exact) max {} ({} at loop {})\n",
      g3(d.approximation_max), d.approximation_cell.empty() ? "-" : d.approximation_cell, d.approximation_loop, g3(d.leak_max),
      d.leak_cell.empty() ? "-" : d.leak_cell, d.leak_loop);
  if (d.stopped_loop) out += fmt::format("             measured up to loop {}: {}\n", *d.stopped_loop, d.stopped);
  out += fmt::format("  {:<10} {:>12} {:>12} {:>12} {:>12}\n", "cell", "approx max", "approx end", "leak+rnd max", "leak+rnd end");
  for (const auto& c : d.cells)
    out += fmt::format("  {:<10} {:>12.3g} {:>12.3g} {:>12.3g} {:>12.3g}\n", c.cell, c.approximation_max, c.approximation_final, c.leak_max, c.leak_final);
  return out;
}

}  // namespace

std::string fleq_verdict_text(const FleqTheorem& t) {
  if (t.certified) {
    std::string worst;
    for (const auto& in : t.instructions)
      if (in.pc == t.worst_pc) worst = fmt::format("; worst observed / bound {:.3g} (line {})", t.worst_ratio, in.line);
    return fmt::format("CERTIFIED at {}: the theorem's conditions hold at its rounding, so pc and every .int cell are exact at every loop and "
                       "every written real entry is within its bound{}",
                       t.scalar, worst) +
           (t.beyond_tolerance ? " (the real cells still end beyond --data-tolerance: the per-instruction errors add up over the loops, "
                                 "which the theorem bounds one instruction at a time)"
                               : "");
  }
  std::string out = fmt::format("NOT certified at {}:", t.scalar);
  for (std::size_t i = 0; i < t.fails.size(); ++i) out += (i ? "; " : " ") + t.fails[i];
  if (!t.needs.empty()) out += "; it would need " + t.needs;
  return out;
}

std::string fleq_run_text(const analysis::RunResult& r, const RunContext& c, const FleqRunExtras& e) {
  std::string out = run_text(r, c);
  out += fmt::format("real cells   largest |x - x*| / max(1, |x*|) {:.3g} ({} at loop {}); at the end, against --data-tolerance {:g}:",
                     e.log.max_error, e.log.max_error_cell.empty() ? "-" : e.log.max_error_cell, e.log.max_error_loop, e.data_tolerance);
  for (const auto& [cell, error] : e.log.final_errors) out += fmt::format(" {} {:.3g}", cell, error);
  out += "\n";
  if (e.theorem) out += theorem_text(*e.theorem) + fits_text(e.theorem->fits);
  if (e.log.decompose) out += decomposition_text(*e.log.decompose);
  return out;
}

std::string fleq_trace_header_text(const std::string& instruction_header, bool decompose) {
  std::string out = "\n  loop    pc  " + instruction_header + "  drift     margin    cell err  own err   bound     own/bound";
  if (decompose) out += "  approx    leak+rnd";
  return out + "\n";
}

std::string fleq_trace_row_text(const analysis::TraceRow& row, const compile::FleqLoopRow& m, const FleqTheorem& t, bool decompose) {
  std::string line = trace_row_text(row);
  line.pop_back();  // its newline
  double bound = NAN;
  for (const auto& in : t.instructions)
    if (in.pc == m.pc && in.real) bound = in.bound.total;
  auto e2 = [](double x) { return std::isnan(x) ? fmt::format("{:<8}", "-") : fmt::format("{:.2e}", x); };
  line += fmt::format("  {}  {}  {}  {}", e2(m.error), e2(m.own), e2(bound), e2(m.own / bound));
  if (decompose) line += fmt::format("  {}  {}", e2(m.approximation), e2(m.leak));
  return line + "\n";
}

}  // namespace loopcert::report
