// The block-exact table (compile/fleq/block_exact.hpp).
#include "compile/fleq/block_exact.hpp"

#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"

namespace loopcert::compile::fleq {

Rational evaluate_sum(const approx::SigmoidSum& sum, const Rational& x, int bits) {
  MpfrPrecisionScope scope(bits + 64);
  MpfrReal g(sum.c0);
  const MpfrReal X(x);
  for (const approx::Term& t : sum.terms) {
    const MpfrReal z = MpfrReal(t.a) * X + MpfrReal(t.b);
    g = g + MpfrReal(t.c) / (MpfrReal(1) + exp(-z));
  }
  return isa::fleq::round_to_bits(exact_rational(g.raw()), bits);
}

isa::fleq::OpTable block_exact_ops(const FleqConstants& constants, int bits) {
  isa::fleq::OpTable table = isa::fleq::ideal_ops(bits);
  for (int k = 0; k < isa::fleq::kOpCount; ++k) {
    const auto op = static_cast<isa::fleq::Op>(k);
    if (!isa::fleq::is_function(op)) continue;
    const auto& fit = constants.functions[static_cast<std::size_t>(isa::fleq::function_of(op))];
    if (!fit) continue;
    const approx::SigmoidSum sum = fit->sum;
    table[op] = isa::fleq::elementwise([sum, bits](const Rational& x) { return evaluate_sum(sum, x, bits); });
  }
  return table;
}

}  // namespace loopcert::compile::fleq
