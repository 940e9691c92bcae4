// Issue 5: every scalar of DESIGN.md section 4 in lockstep runs, per-loop and per-layer
// error tracking against the ideal punchcards, the error decomposition, the precision
// bound and the searches.
// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "bounds/subleq_loop.hpp"
#include "analysis/lockstep.hpp"
#include "bounds/precision.hpp"
#include "analysis/search.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "core/scalar.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/machine.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

const std::string kExamples = std::string(LOOPCERT_SOURCE_DIR) + "/examples/subleq/";

Rational default_lambda(const isa::SubleqProgram& p) { return compile::default_lambda(p, blocks::BlockParams{}); }

analysis::RunOptions options(const isa::SubleqProgram& p, const std::string& scalar) {
  analysis::RunOptions o;
  o.scalar = parse_scalar(scalar);
  o.lambda = default_lambda(p);
  return o;
}

}  // namespace

TEST_CASE("the ideal reference (hardmax in double) equals the rational hardmax run, layer by layer", "[precision][reference]") {
  for (const char* name : {"multiply", "fibonacci", "gcd", "factorial", "divmod", "sort", "long_loop"}) {
    const auto p = isa::load_sq(kExamples + name + ".sq");
    const auto compiled = compile::compile_subleq(p, {});
    auto exact = instantiate<Rational>(compiled.loop, AttentionMode::Hardmax);
    auto ideal = instantiate<double>(compiled.loop, AttentionMode::Hardmax);
    Matrix<Rational> Q = compiled.X0;
    Matrix<double> D = to_scalar<double>(compiled.X0);
    const int loops = std::string(name) == "long_loop" || std::string(name) == "sort" ? 3 : 8;
    for (int t = 0; t < loops; ++t)
      for (int l = 0; l < ideal.layer_count(); ++l) {
        exact.apply_layer(l, Q);
        ideal.apply_layer(l, D);
        bool equal = true;
        for (Eigen::Index i = 0; i < Q.rows() && equal; ++i)
          for (Eigen::Index j = 0; j < Q.cols() && equal; ++j) equal = Rational(D(i, j)) == Q(i, j);
        INFO(name << " loop " << t + 1 << " layer " << l);
        REQUIRE(equal);
      }
  }
}

TEST_CASE("every scalar of DESIGN.md section 4 runs in lockstep", "[precision][scalars]") {
  const auto p = isa::load_sq(kExamples + "fibonacci.sq");
  for (const char* s : {"float", "double", "long-double", "float128", "mpfr:24", "mpfr:80", "exact"}) {
    const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), options(p, s));
    INFO(s);
    CHECK(r.agree);
    CHECK(r.halted);
    CHECK(r.reference_exact);
  }
  // The emulated formats run (and their failures are reported, never a crash).
  for (const char* s : {"bf16", "fp16", "tf32", "fp8e4m3", "fp8e5m2"}) {
    const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), options(p, s));
    INFO(s);
    CHECK(r.scalar == s);
    if (!r.agree) {
      REQUIRE(r.first_divergence);
      CHECK(!r.first_divergence->layer.empty());
      CHECK(!r.first_divergence->quantity.empty());
    }
  }
  CHECK_THROWS_AS(analysis::run_lockstep(compile::subleq_target(p, {}), options(p, "mpfi:64")), std::invalid_argument);
}

TEST_CASE("fp16 runs multiply at the default lambda, bf16 breaks in the adder", "[precision][scalars]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  CHECK(analysis::run_lockstep(compile::subleq_target(p, {}), options(p, "fp16")).agree);
  const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), options(p, "bf16"));
  REQUIRE_FALSE(r.agree);
  // bf16 has 8 bits: the adder's bias 1 - 3 * 2^7 = -383 is held as -384.
  REQUIRE(r.first_divergence);
  CHECK(r.first_divergence->layer == "arithmetic");
  CHECK(r.first_divergence->quantity.rfind("diff", 0) == 0);
  REQUIRE(r.divergence_layers.size() == 5);
  CHECK(r.divergence_layers[2].error >= 1);  // a diff bit at 0 instead of +-1
}

TEST_CASE("float128 and emulated weights: conversions are one correct rounding", "[precision][scalars]") {
  CHECK(ScalarTraits<Float128>::from_rational(Rational(1, 3)) == Float128(1) / Float128(3));
  CHECK(ScalarTraits<Float128>::from_rational(Rational(-7, 2)) == Float128(-3.5));
  CHECK(ScalarTraits<fp16>::from_rational(Rational(1, 3)).value() == (fp16(1) / fp16(3)).value());
  CHECK(ScalarTraits<bf16>::from_rational(Rational(-383)).value() == -384);
  // 2049/1 + a tiny bit: a double would round to 2049 first (a tie in fp16); rounding to odd keeps it above.
  const Rational above = Rational(2049) + Rational(1, BigInt(1) << 70);
  CHECK(ScalarTraits<fp16>::from_rational(above).value() == 2050);
  CHECK(ScalarTraits<fp16>::from_rational(Rational(2049)).value() == 2048);
  CHECK(std::isnan(ScalarTraits<fp8e4m3>::from_rational(Rational(512)).value()));
}

TEST_CASE("per-loop tracking: drift, margin and each layer's error against the ideal punchcard", "[precision][tracking]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  auto o = options(p, "double");
  o.trace = true;
  const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), o);
  REQUIRE(r.agree);
  REQUIRE(r.layers_tracked);
  CHECK(r.reference_exact);
  REQUIRE(r.layer_names.size() == 5);
  REQUIRE(r.trace.size() == static_cast<std::size_t>(r.loops));  // every step, and the loop past the halt
  double worst = 0;
  for (const auto& t : r.trace) {
    REQUIRE(t.layers.size() == 5);
    CHECK(t.margin == Approx(o.tolerance - t.drift));
    for (const auto& e : t.layers) {
      CHECK(e.error < o.tolerance);
      worst = std::max(worst, e.error);
    }
  }
  CHECK(r.peak.error == worst);
  // The write's soft tie is the only temperature error the loop carries into a layer
  // output (corrected in the next layer): it peaks in `write`, on a memory row.
  CHECK(r.peak.layer == "write");
  CHECK(r.peak.row.rfind("mem", 0) == 0);
  // Exact runs: every layer error is 0.
  const auto x = analysis::run_lockstep(compile::subleq_target(p, {}), options(p, "exact"));
  for (const auto& peak : x.layer_peaks) CHECK(peak.error == 0);
}

TEST_CASE("overflow is a divergence with loop, layer, row and column", "[precision][nonfinite]") {
  // N = 10: the adder's thresholds reach 2^11 = 2048, beyond fp8e4m3's 448 (NaN there).
  isa::SubleqProgram p;
  p.bits = 10;
  p.cell_names = {"A", "B", "Z"};
  p.memory = {5, 300, 0};
  p.commands = {{0, 1, 1, 0}, {2, 2, 1, 0}};
  auto o = options(p, "fp8e4m3");
  const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), o);
  REQUIRE_FALSE(r.agree);
  REQUIRE(r.first_divergence);
  const auto& d = *r.first_divergence;
  CHECK(d.loop == 1);
  if (d.field == "non-finite") {
    CHECK(d.detail.find("layer") != std::string::npos);
    CHECK(d.detail.find("row") != std::string::npos);
    CHECK(d.detail.find("column") != std::string::npos);
    CHECK(!d.layer.empty());
  }
  // fp16 at an absurd temperature: lambda * score overflows to inf, inf - inf = NaN.
  const auto q = isa::load_sq(kExamples + "fibonacci.sq");
  auto o2 = options(q, "fp16");
  o2.lambda = 60000;
  const auto r2 = analysis::run_lockstep(compile::subleq_target(q, {}), o2);
  REQUIRE(r2.first_divergence);
  CHECK(r2.first_divergence->field == "non-finite");
  CHECK(r2.first_divergence->layer == "fetch");
  CHECK(r2.first_divergence->detail.find("column") != std::string::npos);
}

TEST_CASE("decomposition: total <= temperature + rounding, and each part is what it says", "[precision][decompose]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  for (const char* s : {"double", "fp16", "mpfr:30"}) {
    auto o = options(p, s);
    o.decompose = true;
    const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), o);
    REQUIRE(r.parts);
    const auto& parts = *r.parts;
    INFO(s);
    CHECK(parts.high_agrees);
    CHECK(r.max_drift <= parts.temperature_max + parts.rounding_max + 1e-300);
    REQUIRE(parts.temperature_layers.size() == 5);
    for (std::size_t l = 0; l < 5; ++l) CHECK(r.layer_peaks[l].error <= parts.temperature_layers[l] + parts.rounding_layers[l] + 1e-12);
    // mpfr:256 carries only the write's tie (temperature): the other layers are exact to ~2^-256.
    CHECK(parts.temperature_layers[3] > 1e-4);
    CHECK(parts.temperature_layers[1] < 1e-60);
  }
}

TEST_CASE("the fast MPFR emulation gives the same runs as MPFR", "[precision][narrow]") {
  const auto p = isa::load_sq(kExamples + "fibonacci.sq");
  for (long bits : {6L, 9L, 11L, 12L, 20L, 33L, 47L, 52L, 53L, 58L, 63L}) {
    auto o = options(p, "mpfr:" + std::to_string(bits));
    o.track_layers = false;
    const auto fast = analysis::run_lockstep(compile::subleq_target(p, {}), o);
    o.fast_mpfr = false;
    const auto slow = analysis::run_lockstep(compile::subleq_target(p, {}), o);
    INFO(bits);
    CHECK(fast.engine != slow.engine);
    CHECK(fast.agree == slow.agree);
    CHECK(fast.loops == slow.loops);
    CHECK(fast.max_drift == slow.max_drift);
    CHECK(compile::cell_values(fast.memory) == compile::cell_values(slow.memory));
  }
}

TEST_CASE("precision bound: exact arithmetic reduces to loop_is_exact, predicted precisions run", "[precision][bound]") {
  for (const char* name : {"multiply", "fibonacci", "long_loop"}) {
    const auto p = isa::load_sq(kExamples + name + ".sq");
    const Rational lambda = default_lambda(p);
    blocks::BlockParams params;
    params.lambda = lambda;
    const auto compiled = compile::compile_subleq(p, params);
    const int n = compiled.layout.columns(), L = compiled.layout.address_bits();
    const auto k = compile::loop_constants(params);
    for (double l : {1.0, 2.0, 3.0, 3.5, 5.0})
      CHECK(bounds::loop_budget(compiled.loop, n, L, p.bits, l, 0, k, 0).holds == bounds::loop_is_exact(n, L, l, k));
    const int P = bounds::predicted_bits(compiled.loop, n, L, p.bits, lambda, k);
    INFO(name << ": predicted " << P << " bits");
    REQUIRE(P > 0);
    CHECK(P >= bounds::max_weight_bits(compiled.loop));
    // Monotone: every precision above holds, the one below does not.
    CHECK(bounds::loop_budget(compiled.loop, n, L, p.bits, bounds::rounded_lambda(lambda, P + 7), std::ldexp(1.0, -(P + 7)), k, P + 7).holds);
    CHECK_FALSE(bounds::loop_budget(compiled.loop, n, L, p.bits, bounds::rounded_lambda(lambda, P - 1), std::ldexp(1.0, -(P - 1)), k, P - 1).holds);
    // The bound is sufficient: the run at the predicted precision agrees.
    auto o = options(p, "mpfr:" + std::to_string(P));
    o.track_layers = false;
    CHECK(analysis::run_lockstep(compile::subleq_target(p, {}), o).agree);
  }
}

TEST_CASE("precision bound on the layout (lemma-specific rounding): never above the generic one, every example runs at it", "[precision][bound]") {
  for (const char* name : {"divmod", "factorial", "fibonacci", "gcd", "long_loop", "multiply", "sort"}) {
    const auto p = isa::load_sq(kExamples + name + ".sq");
    const Rational lambda = default_lambda(p);
    blocks::BlockParams params;
    params.lambda = lambda;
    const auto compiled = compile::compile_subleq(p, params);
    const auto k = compile::loop_constants(params);
    const int P = bounds::predicted_bits(compiled.loop, compiled.layout, p.bits, lambda, k);
    const int generic = bounds::predicted_bits(compiled.loop, bounds::loop_shape(compiled.layout), p.bits, lambda, k);
    INFO(name << ": predicted " << P << " bits (generic rounding " << generic << ")");
    REQUIRE(P > 0);
    CHECK(P <= generic - 3);  // the snap's and the adder's own partial sums: at least 3 bits
    const bounds::LoopShape shape = bounds::loop_shape(compiled.layout);
    auto holds = [&](int bits) {
      return bounds::loop_budget(bounds::loop_rounding(compiled.loop, compiled.layout, bounds::unit_roundoff_bits(bits), k), shape, p.bits,
                                 bounds::lambda_at_precision(lambda, bits), k, bits)
          .holds;
    };
    CHECK(holds(P));
    CHECK(holds(P + 7));
    CHECK_FALSE(holds(P - 1));
    // The rounding was computed for these thresholds; another snap threshold is refused.
    bounds::LoopConstants other = k;
    other.snap = 0.75;
    CHECK_THROWS(bounds::loop_budget(bounds::loop_rounding(compiled.loop, compiled.layout, bounds::unit_roundoff_bits(P), k), shape, p.bits,
                                     bounds::lambda_at_precision(lambda, P), other, P));
    // The bound is sufficient: the run at the predicted precision agrees.
    auto o = options(p, "mpfr:" + std::to_string(P));
    o.track_layers = false;
    CHECK(analysis::run_lockstep(compile::subleq_target(p, {}), o).agree);
  }
}

TEST_CASE("significant bits of dyadic weights", "[precision][bound]") {
  CHECK(bounds::significant_bits(Rational(0)) == 0);
  CHECK(bounds::significant_bits(Rational(1)) == 1);
  CHECK(bounds::significant_bits(Rational(-383)) == 9);
  CHECK(bounds::significant_bits(Rational(257, 2)) == 9);
  CHECK(bounds::significant_bits(Rational(3, 4)) == 2);
  CHECK(bounds::significant_bits(Rational(1, 3)) == -1);
  CHECK(bounds::significant_bits(Rational(1024)) == 1);
}

TEST_CASE("search precision: bisection plus confirming scan on fibonacci", "[precision][search]") {
  const auto p = isa::load_sq(kExamples + "fibonacci.sq");
  analysis::SearchCommon c;
  c.jobs = 2;
  const auto s = analysis::search_precision(compile::subleq_target(p, {}), default_lambda(p), 4, 40, c);
  REQUIRE(s.bits_min);
  // Every precision from bits_min to HI was run and agrees; bits_min - 1 was run and fails.
  std::map<long, bool> ran;
  for (const auto& r : s.runs) ran[r.scalar.precision] = r.agree;
  for (long b = *s.bits_min; b <= 40; ++b) {
    INFO(b);
    REQUIRE(ran.count(b));
    CHECK(ran[b]);
  }
  REQUIRE(ran.count(*s.bits_min - 1));
  CHECK_FALSE(ran[*s.bits_min - 1]);
  for (long b : s.non_monotone) CHECK(b < *s.bits_min);
  CHECK(s.predicted_bits >= *s.bits_min);
}

TEST_CASE("search lambda: interval ends at resolution R, predictions from the bounds", "[precision][search]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  analysis::SearchCommon c;
  const Rational R(1, 4);
  const auto s = analysis::search_lambda(compile::subleq_target(p, {}), parse_scalar("fp16"), R, Rational(200000), c);
  REQUIRE(s.lambda_min);
  REQUIRE(s.lambda_max);  // fp16: lambda * score overflows 65504 long before the cap
  CHECK(analysis::probe(compile::subleq_target(p, {}), parse_scalar("fp16"), *s.lambda_min, c).agree);
  CHECK_FALSE(analysis::probe(compile::subleq_target(p, {}), parse_scalar("fp16"), *s.lambda_min - R, c).agree);
  CHECK(analysis::probe(compile::subleq_target(p, {}), parse_scalar("fp16"), *s.lambda_max, c).agree);
  CHECK_FALSE(analysis::probe(compile::subleq_target(p, {}), parse_scalar("fp16"), *s.lambda_max + R, c).agree);
  CHECK(s.predicted_lambda > 0);
  CHECK(s.default_lambda >= s.predicted_lambda);
  REQUIRE(s.best);
  CHECK(s.best->agree);
}

TEST_CASE("search grid: one cell per (bits, lambda) with its first divergent loop", "[precision][search]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  analysis::SearchCommon c;
  const auto g = analysis::search_grid(compile::subleq_target(p, {}), 8, 12, Rational(1), Rational(4), Rational(1), c);
  REQUIRE(g.cells.size() == 5 * 4);
  REQUIRE(g.predicted.size() == g.cells.size());
  for (const auto& cell : g.cells) CHECK(cell.agree == !cell.divergence.has_value());
  CHECK_FALSE(g.cells.front().agree);  // 8 bits at lambda 1
  CHECK(g.cells.back().agree);         // 12 bits at lambda 4
}
