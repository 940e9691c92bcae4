// The range hypothesis (bounds/format_range.hpp, proofs/README.md "Range hypothesis"):
// no bound is claimed at a scalar that cannot hold the block's weights or whose values
// may overflow. Before it, `verify subtract --scalar fp16` compared an infinite observed
// error with a finite bound and `verify write --scalar fp8e4m3` reported violations of a
// bound whose scores overflowed (the two tests marked "failed before").
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "analysis/lemma_checks.hpp"
#include "bounds/format_range.hpp"
#include "bounds/precision.hpp"
#include "cli_runner.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/scalar_facts.hpp"
#include "isa/subleq/assembler.hpp"

using namespace loopcert;

namespace {

bounds::FormatLimits limits(const std::string& scalar) { return bounds::format_limits(scalar_facts(parse_scalar(scalar))); }

// Every trial of `lemma` at `scalar` either keeps its bound or is refused with a reason
// (and then claims no bound); returns how many were refused.
int refused_trials(const std::string& lemma, const std::string& scalar, analysis::Inputs inputs, int trials) {
  int refused = 0;
  for (int seed = 1; seed <= trials; ++seed) {
    analysis::LemmaSettings settings;
    settings.inputs = inputs;
    const auto t = analysis::run_lemma_trial(lemma, parse_scalar(scalar), static_cast<std::uint64_t>(seed), settings);
    INFO(lemma << " at " << scalar << " seed " << seed << " n=" << t.n << " N=" << t.N << " lambda=" << t.lambda << ": observed "
               << t.observed << " bound " << t.bound << " " << t.not_covered);
    if (t.covered) {
      CHECK(t.holds);
    } else {
      ++refused;
      CHECK(t.bound == bounds::kInfinity);
      CHECK(t.not_covered.find(scalar) != std::string::npos);
    }
  }
  return refused;
}

}  // namespace

TEST_CASE("a weight is representable only on the format's grid and below its largest value", "[bounds][range]") {
  CHECK(bounds::representable(Rational(3, 2), limits("fp8e5m2")));
  CHECK(!bounds::representable(Rational(9, 2), limits("fp8e5m2")));  // 4 significant bits, the format has 3
  CHECK(bounds::representable(Rational(-98303), limits("double")));
  CHECK(!bounds::representable(Rational(-98303), limits("fp16")));   // 17 bits, and beyond 65504
  CHECK(!bounds::representable(Rational(1 << 17), limits("fp16")));  // one bit, but beyond 65504
  CHECK(bounds::representable(pow2(-24), limits("fp16")));           // the smallest subnormal
  CHECK(!bounds::representable(pow2(-25), limits("fp16")));
  CHECK(!bounds::representable(Rational(1, 3), limits("mpfr:200")));  // not dyadic
  CHECK(bounds::representable(Rational(1, 3), limits("exact")));
}

TEST_CASE("layer_range finds a sum that overflows and a weight the format does not hold", "[bounds][range]") {
  // One hidden unit summing 300 inputs of weight 1: 300 M = 90000 with M = 300 overflows
  // fp16 (65504), not double; at M = 100 (30000 with its rounding) it fits.
  LayerSpec layer("sum", 301);
  std::vector<std::pair<int, Rational>> inputs;
  for (int r = 0; r < 300; ++r) inputs.emplace_back(r, Rational(1));
  layer.ffn.add_output(300, layer.ffn.add_unit(0, inputs), 1);
  const auto over = bounds::layer_range(layer, 1, 300, 4, limits("fp16"));
  CHECK(!over.holds);
  CHECK(over.reason.find("fp16 overflows: ") != std::string::npos);
  CHECK(over.reason.find("of layer 'sum'") != std::string::npos);
  CHECK(bounds::layer_range(layer, 1, 300, 4, limits("double")).holds);
  CHECK(bounds::layer_range(layer, 1, 100, 4, limits("fp16")).holds);
  // A score lambda q.k: lambda = 200, q = k = 3 (one key row), M = 1: 2 * 200 * 9 = 3600 > 448.
  LayerSpec attend("attend", 2);
  attend.lambda = 200;
  auto& head = attend.add_head("h", 1);
  head.query.add(0, 0, 3), head.key.add(0, 0, 3);
  CHECK(!bounds::layer_values_range(attend, 200, 1, 8, limits("fp8e4m3")).holds);
  CHECK(bounds::layer_values_range(attend, 200, 1, 8, limits("fp16")).holds);
  // (W): 200 needs 5 significant bits, fp8e4m3 has 4.
  const auto lambda = bounds::layer_range(attend, 200, 1, 8, limits("fp8e4m3"));
  CHECK(lambda.reason.find("the score scale lambda") != std::string::npos);
}

TEST_CASE("verify subtract at fp16 refuses the adders fp16 cannot hold, and never claims a bound it cannot keep (failed before)",
          "[bounds][range]") {
  CHECK(refused_trials("subtract", "fp16", analysis::Inputs::Random, 60) > 0);
  CHECK(refused_trials("subtract", "fp16", analysis::Inputs::Adversarial, 60) > 0);
}

TEST_CASE("verify write at fp8e4m3 reports no violation of a bound whose scores overflow (failed before)", "[bounds][range]") {
  CHECK(refused_trials("write", "fp8e4m3", analysis::Inputs::Adversarial, 20) > 0);
}

TEST_CASE("every lemma at every emulated format: its bound holds on the trials or the range hypothesis refuses", "[bounds][range]") {
  int covered = 0, total = 0;
  for (const char* scalar : {"bf16", "fp16", "fp8e4m3", "fp8e5m2"})
    for (const auto& lemma : analysis::lemma_names())
      for (const auto inputs : {analysis::Inputs::Random, analysis::Inputs::Adversarial}) {
        const int trials = 6;
        covered += trials - refused_trials(lemma, scalar, inputs, trials);
        total += trials;
      }
  // The check is not a blanket refusal: most bf16/fp16 trials are covered.
  INFO(covered << " of " << total << " trials covered");
  CHECK(covered > total / 4);
}

TEST_CASE("verify's CLI says 'not covered' with the reason and exits 1 (failed before)", "[bounds][range][cli]") {
  const auto r = testing::run_cli("verify subtract --scalar fp16 --trials 40");
  CHECK(r.status == 1);
  CHECK(r.out.find("NOT COVERED") != std::string::npos);
  CHECK(r.out.find("fp16 does not hold the weights") != std::string::npos);
  CHECK(r.out.find("VIOLATED") == std::string::npos);
  const auto j = testing::run_cli("verify write --scalar fp8e4m3 --trials 5 --json");
  CHECK(j.status == 1);
  CHECK(j.out.find("\"verdict\": \"not covered\"") != std::string::npos);
}

TEST_CASE("the loop budget (run's bounds line, search, report) refuses a format whose values overflow", "[bounds][range]") {
  const auto p = isa::load_sq(std::string(LOOPCERT_SOURCE_DIR) + "/examples/subleq/multiply.sq");
  const auto compiled = compile::compile_subleq(p, {});
  const Layout layout(p.scratch, p.cells(), p.command_count());
  const int n = layout.columns(), L = layout.address_bits(), N = p.bits;
  const auto k = compile::loop_constants({});
  const auto rounding = bounds::loop_rounding(compiled.loop, std::ldexp(1.0, -53));
  const double largest_weight = bounds::max_weight_magnitude(compiled.loop);
  // A 53-bit format whose largest value holds every weight but not the adder's sums.
  const auto narrow = bounds::loop_budget(rounding, n, L, N, 3.5, k, 53, largest_weight);
  CHECK(!narrow.holds);
  CHECK(narrow.failing.find("overflows") != std::string::npos);
  CHECK(bounds::loop_budget(rounding, n, L, N, 3.5, k, 53, std::ldexp(1.0, 1000)).holds);
}
