// The per-bit forms of the subtract and flag bounds (proofs/subtract.md and flag.md, "Per
// bit"), which the loop budget uses for the flag's sum over the diff bits
// (proofs/precision.md): rigorous evaluation, and attainment on the subtract block itself.
#include <catch2/catch.hpp>

#include <cmath>

#include "blocks/subtract.hpp"
#include "bounds/flag.hpp"
#include "bounds/rounding.hpp"
#include "bounds/subtract.hpp"
#include "compile/encoding.hpp"
#include "compile/subleq/compiler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

TEST_CASE("subtract_output_sum is at least its formula 2 (2^(N+1) - 2 - N) delta, between one bit's bound and N of them", "[bounds][per-bit]") {
  for (int N = 2; N <= 62; ++N)
    for (const double scale : {0.999, 0.5, 1e-3, 1e-12, 0x1p-60}) {
      const double delta = std::ldexp(scale, -N);
      const double b = bounds::subtract_output_sum(N, delta);
      const Rational exact = 2 * (pow2(N + 1) - 2 - N) * Rational(delta);
      INFO("N " << N << " delta " << delta);
      CHECK(Rational(b) >= exact);
      CHECK(b >= bounds::subtract_output(N, delta));
      CHECK(b <= N * bounds::subtract_output(N, delta));
    }
  CHECK(bounds::subtract_output_sum(8, 0x1p-8) == bounds::kInfinity);  // 2^N delta = 1: no claim
  CHECK(bounds::flag_output_sum(0.75) == 0.75);
  CHECK(bounds::flag_output_sum(1) == bounds::kInfinity);
  CHECK(bounds::flag_output(5, 0.15406373527932954) == bounds::flag_output_sum(bounds::mul_up(5, 0.15406373527932954)));
}

TEST_CASE("the diff bits' errors summed reach subtract_output_sum at b = 0, a = 1 (every bit at a knee), and stay below it",
          "[bounds][per-bit]") {
  const int N = 8;
  isa::SubleqProgram p;
  p.bits = N;
  p.scratch = 1;
  p.cell_names = {"b", "a"};
  p.memory = {0, 1};
  p.commands = {{0, 1, 0, 0}};
  const Layout layout = compile::subleq_layout(p);
  Matrix<Rational> X = compile::encode(layout, p, 0, p.memory);
  const int work = layout.scratch().begin;
  const Rational delta = pow2(-(N + 3));
  // The amplification example of subtract.md: every b_q read as -1 + delta, every a_q as its bit - delta.
  const auto b_bits = compile::integer_bits(0, N), a_bits = compile::integer_bits(1, N);
  for (int k = 0; k < N; ++k) {
    X(layout.block("val_b").row(k), work) = b_bits[k] + delta;
    X(layout.block("val_a").row(k), work) = a_bits[k] - delta;
  }
  const LayerSpec layer = blocks::subtract(layout, {});
  LoopedTransformer<double> tf = instantiate<double>(LoopSpec{layout.rows(), {layer}}, AttentionMode::Softmax);
  Matrix<double> Y = to_scalar<double>(X);
  tf.apply_layer(0, Y);
  const auto ideal = compile::integer_bits(-1, N);  // 0 - 1 = -1: every bit +1
  double sum = 0;
  for (int k = 0; k < N; ++k) sum += std::abs(Y(layout.block("diff").row(k), work) - ideal[k]);
  const double bound = bounds::add_up(bounds::subtract_output_sum(N, to_double(delta)), bounds::ffn_rounding_total(layer, 0x1p-53, 2));
  INFO("summed error " << sum << ", bound " << bound << ", N times one bit's bound " << N * bounds::subtract_output(N, to_double(delta)));
  CHECK(sum <= bound);
  CHECK(sum >= 0.999 * bound);  // attained: a smaller coefficient would be violated here
  CHECK(sum > bounds::subtract_output(N, to_double(delta)));  // more than one bit's worth
}
