// Property: the tracking's incremental ideal reference (src/analysis/detail/lockstep_ideal.hpp)
// gives after every layer the values the engine gives (LoopedTransformer<double> with
// hardmax attention, applied to the whole punchcard), on
//  - SUBLEQ loops of random programs (n = 32 and 64, 40 loops): the run's own use;
//  - random layers over punchcards of 8 to 40 columns of small integers (many ties), fed
//    a sequence of inputs that each change 0 to 3 columns of the previous one (keys that
//    rise, fall, tie and leave the maximisers), now and then a non-finite entry.
// Equal means the same value (the sign of a zero may differ: see lockstep_ideal_attention.hpp),
// or NaN on both sides. Negative check: an ideal reference built from a LoopSpec whose
// first head has its value weights negated is caught by the same comparison.
#include "core/emulated_float.hpp"  // first: see core/scalar.hpp
// Then the rest.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "../bench/random_program.hpp"
#include "analysis/detail/lockstep_ideal.hpp"
#include "compile/subleq/compiler.hpp"

using namespace loopcert;
using analysis::detail::IdealReference;

namespace {

bool same_values(const Matrix<double>& a, const Matrix<double>& b) {
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      const double x = a(i, j), y = b(i, j);
      if (std::isnan(x) || std::isnan(y) ? !(std::isnan(x) && std::isnan(y)) : x != y) return false;
    }
  return true;
}

// Runs `ideal` and the engine side by side from X0 for `loops` loops; false at the first
// layer where they differ.
bool loops_agree(const LoopSpec& loop, IdealReference& ideal, const Matrix<double>& X0, int loops) {
  auto engine = instantiate<double>(loop, AttentionMode::Hardmax);
  Matrix<double> I = X0, E = X0;
  for (int t = 0; t < loops; ++t)
    for (int l = 0; l < engine.layer_count(); ++l) {
      ideal.apply_layer(l, I);
      engine.apply_layer(l, E);
      if (!same_values(I, E)) return false;
    }
  return true;
}

Rational small(int max_abs) { return Rational(*rc::gen::inRange(-max_abs, max_abs + 1)); }

// One layer of 1-3 hardmax heads and a few ReLU units on d rows, small integer weights.
LoopSpec random_loop(int d) {
  LayerSpec spec("random", d);
  for (int h = *rc::gen::inRange(1, 4); h > 0; --h) {
    HeadSpec& head = spec.add_head("h" + std::to_string(h), *rc::gen::inRange(1, 4));
    for (auto* m : {&head.query, &head.key, &head.value})
      for (int e = *rc::gen::inRange(1, 5); e > 0; --e) m->add(*rc::gen::inRange(0, m->rows), *rc::gen::inRange(0, d), small(2));
  }
  for (int u = *rc::gen::inRange(0, 4); u > 0; --u) {
    std::vector<std::pair<int, Rational>> in;
    for (int e = *rc::gen::inRange(1, 3); e > 0; --e) in.emplace_back(*rc::gen::inRange(0, d), small(2));
    spec.ffn.add_output(*rc::gen::inRange(0, d), spec.ffn.add_unit(small(2), in), small(2));
  }
  LoopSpec loop;
  loop.d = d;
  loop.layers.push_back(spec);
  return loop;
}

}  // namespace

TEST_CASE("the incremental ideal reference equals the engine's hardmax run after every layer", "[property][engine][ideal]") {
  rc::prop("SUBLEQ loops, n = 32 and 64", [] {
    const int n = *rc::gen::element(32, 64);
    const auto p = bench::random_program(n / 4, n / 4, n, 8);
    const auto compiled = compile::compile_subleq(p, {});
    IdealReference ideal(compiled.loop);
    RC_ASSERT(loops_agree(compiled.loop, ideal, to_scalar<double>(compiled.X0), 40));
  });
  rc::prop("random layers, inputs changing a few columns at a time", [] {
    const int d = *rc::gen::inRange(3, 7), n = *rc::gen::inRange(8, 41);
    const LoopSpec loop = random_loop(d);
    IdealReference ideal(loop);
    auto engine = instantiate<double>(loop, AttentionMode::Hardmax);
    Matrix<double> X(d, n);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = *rc::gen::inRange(-2, 3);
    for (int t = 0; t < 12; ++t) {
      for (int c = *rc::gen::inRange(0, 4); c > 0; --c) {
        const int j = *rc::gen::inRange(0, n);
        for (int r = 0; r < d; ++r)
          if (*rc::gen::inRange(0, 3) == 0) X(r, j) = *rc::gen::inRange(-3, 4);
        if (*rc::gen::inRange(0, 40) == 0) X(*rc::gen::inRange(0, d), j) = INFINITY;
      }
      Matrix<double> I = X, E = X;
      ideal.apply_layer(0, I);
      engine.apply_layer(0, E);
      RC_LOG() << "input " << t << "\n";
      RC_ASSERT(same_values(I, E));
    }
  });
}

TEST_CASE("negative check: an ideal reference with a broken head is caught", "[property][engine][ideal][negative]") {
  const auto p = bench::random_program(8, 8, 32, 8);
  const auto compiled = compile::compile_subleq(p, {});
  LoopSpec broken = compiled.loop;
  for (auto& e : broken.layers[0].heads.at(0).value.entries) e.value = -e.value;  // the fetch head reads the instruction negated
  IdealReference right(compiled.loop), wrong(broken);
  CHECK(loops_agree(compiled.loop, right, to_scalar<double>(compiled.X0), 10));
  CHECK_FALSE(loops_agree(compiled.loop, wrong, to_scalar<double>(compiled.X0), 10));
}
