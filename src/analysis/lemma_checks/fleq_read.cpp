// Lemma check `fleq_read` (blocks/fleq_read.hpp, proofs/fleq_read.md, bounds/fleq_read.hpp):
// the k columns of an addressed cell copied into k destination columns within the leak
// bound, every other column's operand rows exactly 0. Worst case: the addressed column
// holds -G on every row and every other column +G (each unit of leaked weight moves the
// copy by 2G), at the temperature fleq_read_temperature_eighths picks for the largest
// tolerance drawn (the edge: the smallest eighths whose bound is <= eps).
#include <fmt/format.h>

#include "analysis/lemma_checks/fleq_setup.hpp"
#include "blocks/fleq_read.hpp"
#include "bounds/fleq_read.hpp"

namespace loopcert::analysis::lemma_checks {

namespace {

Case make(TrialSetup& s, const Context& c) {
  const bool worst = c.inputs == Inputs::Adversarial;
  const int k = s.uniform(1, 4), cells = s.uniform(1, 16), G = fleq_bound(s);
  static const double tolerances[] = {1e-3, 1e-6, 1e-10, 1e-14};
  const double eps = worst ? 1e-3 : tolerances[s.uniform(0, 3)];
  Layout layout(1 + k, k * cells, s.uniform(1, 4));
  layout.add("pos", layout.address_bits());
  layout.add("ptr", layout.address_bits());
  layout.add("mem", k);
  layout.add("opa", k);
  layout.add("is_dst", 1);
  fleq_start(s, layout, k);
  fleq_put_positions(s);
  const int target = s.uniform(0, cells - 1);
  auto source = [&](int j) { return layout.memory().begin + target * k + j; };
  for (int col = 0; col < layout.columns(); ++col)
    for (int i = 0; i < k; ++i) {
      const bool addressed = col >= source(0) && col < source(0) + k;
      s.X(layout.row("mem", i), col) = worst ? Rational(addressed ? -G : G) : fleq_entry(s, G, false);
    }
  for (int j = 0; j < k; ++j) {
    fleq_put_code(s, "ptr", 1 + j, source(j));
    s.X(layout.row("is_dst"), 1 + j) = 1;
  }
  const int eighths = bounds::fleq_read_temperature_eighths(s.n, G, eps);
  const Rational lambda = c.settings.sabotage == Sabotage::LowTemperature ? Rational(1, 2) : Rational(eighths, 8);
  Case out;
  out.layer = blocks::fleq_read(layout, {"fleq_read", "ptr", "mem", "opa", "is_dst", "pos", lambda, Rational(2 * G)});
  fleq_sabotage(out.layer, c.settings.sabotage);
  const double l = eighths / 8.0;
  const double exact = c.hardmax ? 0 : bounds::fleq_read_output(s.n, l, G);
  Check copy{"copy", false, {}, bounds::add_up(exact, c.hardmax ? 0 : bounds::fleq_read_rounding(s.n, s.L, l, G, c.u)), exact};
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < k; ++i) copy.entries.push_back({layout.row("opa", i), 1 + j, s.X(layout.row("mem", i), source(j)), false});
  Check cleared{"cleared elsewhere", false, {}, 0, 0};
  for (int col = 0; col < layout.columns(); ++col)
    if (col < 1 || col > k)
      for (int i = 0; i < k; ++i) cleared.entries.push_back({layout.row("opa", i), col, Rational(0), false});
  out.checks = {copy, cleared};
  out.bound_function = c.hardmax ? "exact under hardmax (0)" : "bounds::fleq_read_output + fleq_read_rounding";
  out.detail = fmt::format("k {}, G {}, eps {:g}, cell {}", k, G, eps, target);
  out.lambda = l;
  return out;
}

}  // namespace

const LemmaCheck fleq_read_check{"fleq_read", "bounds::fleq_read_output", &make};

}  // namespace loopcert::analysis::lemma_checks
