// Lemma check `fleq_write` (blocks/fleq_write.hpp, proofs/fleq_write.md,
// bounds/fleq_write.hpp): the result columns written into the destination cell's memory
// columns within fleq_write_output + fleq_write_rounding; every other column's data rows
// bit for bit unchanged; buffer and hit exactly 0 after the layer. Worst case: results
// +-G against old values -+G (the gate's error |g| and the buffer's 3 G leak add up),
// every data entry +-G, and the temperature for the largest tolerance drawn.
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_write.hpp"
#include "bounds/fleq_write.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 4), active = s.uniform(1, k), cells = s.uniform(1, 16), G = fleq_bound(s);
  static const double tolerances[] = {1e-3, 1e-6, 1e-10, 1e-14};
  const double eps = worst ? 1e-3 : tolerances[s.uniform(0, 3)];
  Layout layout(1 + k, k * cells, s.uniform(1, 4));
  const int L = layout.address_bits();
  for (const auto& [name, size] : std::vector<std::pair<std::string, int>>{
           {"pos", L}, {"ptr", L}, {"res", k}, {"mem", k}, {"wbuf", k}, {"whit", 1}, {"is_src", 1}, {"is_mem", 1}})
    layout.add(name, size);
  fleq_start(s, layout, k);
  fleq_put_positions(s);
  const int target = s.uniform(0, cells - 1);
  auto dest = [&](int j) { return layout.memory().begin + target * k + j; };
  for (int col = 0; col < layout.columns(); ++col) {
    for (int i = 0; i < k; ++i) s.X(layout.row("mem", i), col) = fleq_entry(s, G, worst);
    if (layout.memory().contains(col)) s.X(layout.row("is_mem"), col) = 1;
  }
  for (int j = 0; j < active; ++j) {
    fleq_put_code(s, "ptr", 1 + j, dest(j));
    s.X(layout.row("is_src"), 1 + j) = 1;
    for (int i = 0; i < k; ++i)
      s.X(layout.row("res", i), 1 + j) = worst ? -s.X(layout.row("mem", i), dest(j)) : fleq_entry(s, G, false);
  }
  const int eighths = bounds::fleq_write_temperature_eighths(s.n, G, eps);
  const Rational lambda = c.settings.sabotage == Sabotage::LowTemperature ? Rational(1, 2) : Rational(eighths, 8);
  const Rational gate(static_cast<long>(bounds::fleq_write_gate(G)));
  Case out;
  out.layer = blocks::fleq_write(layout, {"fleq_write", "ptr", "res", "mem", "wbuf", "whit", "is_src", "pos", "is_mem", lambda, gate});
  const LayerSpec intact = out.layer;
  fleq_sabotage(out.layer, c.settings.sabotage);
  const double l = eighths / 8.0;
  const double exact = c.hardmax ? 0 : bounds::fleq_write_output(s.n, l, G, to_double(gate));
  const double rounding = c.hardmax ? 0 : bounds::fleq_write_rounding(intact, s.n, L, l, G, to_double(gate), c.u);
  Check written{"written cell", false, {}, bounds::add_up(exact, rounding), exact};
  Check others{"other columns unchanged, buffer and hit cleared", false, {}, 0, 0};
  for (int col = 0; col < layout.columns(); ++col) {
    int j = -1;
    for (int a = 0; a < active; ++a)
      if (col == dest(a)) j = a;
    for (int i = 0; i < k; ++i) {
      if (j >= 0) written.entries.push_back({layout.row("mem", i), col, s.X(layout.row("res", i), 1 + j), false});
      else others.entries.push_back({layout.row("mem", i), col, Rational(0), true});
      others.entries.push_back({layout.row("wbuf", i), col, Rational(0), false});
    }
    others.entries.push_back({layout.row("whit"), col, Rational(0), false});
  }
  out.checks = {written, others};
  out.bound_function = c.hardmax ? "exact under hardmax (0)" : "bounds::fleq_write_output + fleq_write_rounding";
  out.detail = fmt::format("k {}, {} sources, G {}, eps {:g}, cell {}", k, active, G, eps, target);
  out.lambda = l;
  return out;
}

}  // namespace

const LemmaCheck fleq_write_check{"fleq_write", "bounds::fleq_write_output", &make};

}  // namespace loopcert::analysis::lemma_checks
