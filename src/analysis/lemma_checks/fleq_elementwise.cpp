// Lemma check `fleq_elementwise` (blocks/fleq_elementwise.hpp,
// proofs/fleq_elementwise.md, bounds/fleq_elementwise.hpp): add, sub, copy or nothing,
// selected per column; the selected result within one rounding of a +- b (the output is
// compared with the correctly rounded value, so add and sub show 0 when the block rounds
// correctly, as the note claims), copy exact, unselected columns exactly 0. Worst case:
// operands +-G of one sign for add and opposite signs for sub (|a +- b| = 2G, the largest
// the gate M = 4G must keep closed), and every unselected column at +-G.
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_elementwise.hpp"
#include "bounds/fleq_elementwise.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 4), columns = s.uniform(3, 12), G = fleq_bound(s);
  Layout layout(1, columns - 2, 1);
  for (const auto& [name, size] : std::vector<std::pair<std::string, int>>{
           {"a", k}, {"b", k}, {"out", k}, {"sel_add", 1}, {"sel_sub", 1}, {"sel_copy", 1}})
    layout.add(name, size);
  fleq_start(s, layout, k);
  Case out;
  out.layer = blocks::fleq_elementwise(layout, {"fleq_elementwise", "a", "b", "out", "sel_add", "sel_sub", "sel_copy",
                                                Rational(static_cast<long>(bounds::fleq_elementwise_gate(G)))});
  fleq_sabotage(out.layer, c.settings.sabotage);
  Check result{"selected result", false, {}, c.u == 0 ? 0 : bounds::fleq_elementwise_rounding(G, c.u, false), 0};
  Check zeros{"unselected columns", false, {}, 0, 0};
  int counts[4] = {0, 0, 0, 0};
  for (int col = 0; col < columns; ++col) {
    const int op = s.uniform(0, 3);  // add, sub, copy, none
    ++counts[op];
    if (op < 3) s.X(layout.row(op == 0 ? "sel_add" : op == 1 ? "sel_sub" : "sel_copy"), col) = 1;
    for (int i = 0; i < k; ++i) {
      const Rational a = fleq_entry(s, G, worst);
      const Rational b = worst ? (op == 1 ? -a : a) : fleq_entry(s, G, false);
      s.X(layout.row("a", i), col) = a;
      s.X(layout.row("b", i), col) = b;
      if (op == 3) zeros.entries.push_back({layout.row("out", i), col, Rational(0), false});
      else result.entries.push_back({layout.row("out", i), col, op == 0 ? Rational(a + b) : op == 1 ? Rational(a - b) : a, false});
    }
  }
  out.checks = {result, zeros};
  out.bound_function = "bounds::fleq_elementwise_rounding";
  out.detail = fmt::format("k {}, G {}, columns: {} add, {} sub, {} copy, {} none", k, G, counts[0], counts[1], counts[2], counts[3]);
  return out;
}

}  // namespace

const LemmaCheck fleq_elementwise_check{"fleq_elementwise", "bounds::fleq_elementwise_rounding", &make};

}  // namespace loopcert::analysis::lemma_checks
