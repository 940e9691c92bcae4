// Lemma check `fleq_flag` (blocks/fleq_flag.hpp, proofs/fleq_flag.md, bounds/fleq_flag.hpp):
// an integer cell read within 1/4 of m gives exactly [m <= 0] on the indicated columns and
// exactly 0 elsewhere (bound 0: fleq_flag_output + fleq_flag_rounding). Worst case: m in
// {0, 1} (the two sides of the step) read exactly 1/4 away towards the other, every other
// column's source at +-G.
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_flag.hpp"
#include "bounds/fleq_flag.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int columns = s.uniform(3, 12), G = fleq_bound(s);
  Layout layout(1, columns - 2, 1);
  layout.add("fq", 1);
  layout.add("ind", 1);
  layout.add("flag", 1);
  fleq_start(s, layout, 1);
  const double M = bounds::fleq_flag_gate(G);
  Case out;
  out.layer = blocks::fleq_flag(layout, {"fleq_flag", "fq", "ind", "flag", Rational(static_cast<long>(M))});
  fleq_sabotage(out.layer, c.settings.sabotage);
  Check flag{"flag", false, {}, 0, 0};
  double exact = 0, largest = 0, largest_delta = 0;
  for (int col = 0; col < columns; ++col) {
    const bool indicated = s.uniform(0, 1) == 1;
    if (!indicated) {
      const Rational x = fleq_entry(s, G, worst);
      s.X(layout.row("fq"), col) = x;
      largest = std::max(largest, std::abs(to_double(x)));
      flag.entries.push_back({layout.row("flag"), col, Rational(0), false});
      continue;
    }
    s.X(layout.row("ind"), col) = 1;
    const int m = worst ? s.uniform(0, 1) : (s.uniform(0, 2) == 0 ? 0 : s.uniform(-G, G));
    const Rational delta = worst ? Rational(m == 0 ? 1 : -1, 4) : Rational(s.uniform(-256, 256), 1024);
    s.X(layout.row("fq"), col) = m + delta;
    largest = std::max(largest, std::abs(to_double(Rational(m + delta))));
    largest_delta = std::max(largest_delta, std::abs(to_double(delta)));
    exact = std::max(exact, bounds::fleq_flag_output(std::abs(to_double(delta))));
    flag.entries.push_back({layout.row("flag"), col, Rational(m <= 0 ? 1 : 0), false});
  }
  flag.bound = bounds::add_up(exact, bounds::fleq_flag_rounding(largest, M, c.u));
  flag.exact_part = exact;
  out.checks = {flag};
  out.bound_function = "bounds::fleq_flag_output + fleq_flag_rounding (exact: 0)";
  out.detail = fmt::format("G {}", G);
  out.delta = largest_delta;
  return out;
}

}  // namespace

const LemmaCheck fleq_flag_check{"fleq_flag", "bounds::fleq_flag_output", &make};

}  // namespace loopcert::analysis::lemma_checks
