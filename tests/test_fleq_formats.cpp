// FLEQ at the emulated formats (README "Emulated formats"): the refusals of
// compile/fleq/format_limits.hpp (what a format cannot hold, computed from the compiled
// constants and the format's facts) and the format-aware constants; `run P.fq --scalar S`
// refuses (exit 2) or runs in lockstep (exit 0, or 1 with the first divergence).
#include <catch2/catch.hpp>

// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "bounds/precision.hpp"
#include "cli_runner.hpp"
#include "compile/fleq/compiler.hpp"
#include "compile/fleq/format_limits.hpp"
#include "core/scalar_facts.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
using loopcert::testing::run_cli;
using nlohmann::json;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

const ScalarFacts& facts(const std::string& name) { return scalar_facts(parse_scalar(name)); }

fq::FleqProgram example(const std::string& path) {
  return fq::load_fq((std::filesystem::path(loopcert::testing::source_dir()) / "examples" / "fleq" / path).string());
}

// The widest weight (significant bits) of the units that write `block` in layer `layer`,
// read off the compiled loop.
int widest_unit_weight(const cf::CompiledFleq& c, const std::string& layer, const std::string& block) {
  const RowBlock& rows = c.layout.block(block);
  for (const auto& l : c.loop.layers) {
    if (l.name != layer) continue;
    std::set<int> units;
    for (const auto& e : l.ffn.w2.entries)
      if (e.row >= rows.offset && e.row < rows.end()) units.insert(e.col);
    int widest = 0;
    for (const int u : units) widest = std::max(widest, bounds::significant_bits(l.ffn.b1[static_cast<std::size_t>(u)]));
    for (const auto& e : l.ffn.w1.entries)
      if (units.count(e.row)) widest = std::max(widest, bounds::significant_bits(e.value));
    return widest;
  }
  return -1;
}

// A small program whose .intbound and .bound keep the integer snap within bf16's 8 bits.
const char* kSmall = R"(; count down from 2, adding 1/4 twice
.bound 2
.intbound 2
.int N = 2
.int ONE = 1
.real x = 1/4
.real h = 1/4
        x = add x, h
        N = sub N, ONE if N <= 0 goto done
        x = add x, h
        N = sub N, ONE if N <= 0 goto done
done:   halt
)";

std::string small_program_path() {
  const std::string path = (std::filesystem::temp_directory_path() / ("loopcert_fleq_formats_" + std::to_string(::getpid()) + ".fq")).string();
  std::ofstream(path) << kSmall;
  return path;
}

}  // namespace

TEST_CASE("held: a weight is exact in an emulated format exactly when it round-trips", "[fleq][formats]") {
  std::mt19937 rng(20261202);
  for (const FormatSpec* f : formats::all) {
    const ScalarFacts& sf = facts(f->name);
    int exact = 0, inexact = 0;
    for (int i = 0; i < 4000; ++i) {
      // Significands up to 2 bits wider than the format's, exponents across its range and past both ends.
      const long m = std::uniform_int_distribution<long>(1, 1L << (f->precision + 2))(rng) * (i % 2 ? 1 : -1);
      const int e = std::uniform_int_distribution<int>(f->emin - f->precision - 4, f->emax + 1)(rng);
      const double x = std::ldexp(static_cast<double>(m), e);
      const cf::Held h = cf::held(Rational(x), sf);
      const double back = round_to_format(x, *f);
      INFO(f->name << ": " << x << " -> " << back);
      CHECK((h.holding == cf::Holding::exact) == (back == x));
      if (h.holding == cf::Holding::overflow) CHECK_FALSE(std::fabs(x) <= sf.max_finite);
      if (h.holding == cf::Holding::underflow) CHECK(back == 0);
      (h.holding == cf::Holding::exact ? exact : inexact)++;
    }
    CHECK(exact > 100);  // both sides are exercised
    CHECK(inexact > 100);
  }
  CHECK(cf::held(Rational(1, 3), facts("double")).holding == cf::Holding::rounded);  // not dyadic
  CHECK(cf::held(Rational(1, 3), facts("double")).bits == -1);
}

TEST_CASE("eighths_rounded_up: the smallest value on the format's grid at or above the temperature", "[fleq][formats]") {
  for (int p = 2; p <= 12; ++p)
    for (int e = 1; e < 3000; e += 7) {
      const int r = cf::eighths_rounded_up(e, p);
      REQUIRE(r >= e);
      CHECK(cf::held(Rational(r, 8), scalar_facts(ScalarSpec{ScalarKind::Mpfr, p})).holding == cf::Holding::exact);
      // Nothing between e and r is on the grid.
      for (int v = e; v < r; ++v) CHECK(cf::held(Rational(v, 8), scalar_facts(ScalarSpec{ScalarKind::Mpfr, p})).holding != cf::Holding::exact);
    }
}

TEST_CASE("format refusals: the integer snap's staircase, named with the bits its weights need", "[fleq][formats]") {
  const fq::FleqProgram program = example("subleq/multiply.fq");
  const cf::CompiledFleq at_double = cf::compile_fleq(program);
  const int snap_bits = widest_unit_weight(at_double, "flag", "val");  // the snap's units, off the loop itself
  REQUIRE(snap_bits > 8);
  for (const std::string name : {"fp16", "bf16", "fp8e4m3", "fp8e5m2", "tf32"}) {
    const ScalarFacts& f = facts(name);
    const cf::CompiledFleq c = cf::compile_fleq(program, [&] {
      auto o = cf::compile_options_for(parse_scalar(name));
      o.refuse = false;
      return o;
    }());
    const std::vector<std::string> why = cf::format_refusals(program, c, f);
    INFO(name);
    const bool snap = f.precision < snap_bits;
    if (snap) {
      REQUIRE_FALSE(why.empty());
      CHECK(why[0].find("integer snap's weights need " + std::to_string(snap_bits) + " significant bits") != std::string::npos);
      CHECK_THROWS_WITH(cf::compile_fleq(program, cf::compile_options_for(parse_scalar(name))), Catch::Contains(name + " cannot hold"));
    } else {
      for (const auto& w : why) CHECK(w.find("integer snap") == std::string::npos);
    }
  }
  // Every example compiles at double with its format and nothing refused.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(loopcert::testing::source_dir() + "/examples/fleq")) {
    if (entry.path().extension() != ".fq" || entry.path().filename() == "long_loop.fq") continue;
    const fq::FleqProgram p = fq::load_fq(entry.path().string());
    INFO(entry.path());
    CHECK_NOTHROW(cf::compile_fleq(p, cf::compile_options_for(parse_scalar("double"))));
  }
}

TEST_CASE("format constants: double's are the unit-roundoff constants, fp16 caps the products' C to what it holds", "[fleq][formats]") {
  const fq::FleqProgram program = example("linalg/newton_a3.fq");
  const cf::CompiledFleq plain = cf::compile_fleq(program);
  const cf::CompiledFleq dbl = cf::compile_fleq(program, cf::compile_options_for(parse_scalar("double")));
  CHECK(plain.constants.read_lambda == dbl.constants.read_lambda);
  CHECK(plain.constants.write_lambda == dbl.constants.write_lambda);
  CHECK(plain.constants.product_scale_log2 == dbl.constants.product_scale_log2);
  CHECK(plain.constants.matmul_scale_log2 == dbl.constants.matmul_scale_log2);
  const ScalarFacts& f = facts("fp16");
  const cf::CompiledFleq half = cf::compile_fleq(program, cf::compile_options_for(parse_scalar("fp16")));
  const int n = half.layout.columns();
  for (const int c : {half.constants.product_scale_log2, half.constants.transpose_scale_log2, half.constants.hadamard_scale_log2})
    CHECK(n * std::ldexp(1.0, c) / 2 <= f.max_finite);
  CHECK(n * std::ldexp(1.0, half.constants.matmul_scale_log2) / 2 * to_double(program.bound) <= f.max_finite);
  CHECK(cf::held(half.constants.read_lambda, f).holding == cf::Holding::exact);
  CHECK(cf::held(half.constants.write_lambda, f).holding == cf::Holding::exact);
  CHECK(cf::format_refusals(program, half, f).empty());
}

TEST_CASE("format refusals: a broken weight is named (negative check)", "[fleq][formats]") {
  const fq::FleqProgram program = fq::load_fq(small_program_path());
  cf::CompiledFleq c = cf::compile_fleq(program, cf::compile_options_for(parse_scalar("bf16")));
  const ScalarFacts& f = facts("bf16");
  REQUIRE(cf::format_refusals(program, c, f).empty());
  // One weight of the write layer one bf16 ulp off its grid: refused, with its place and bits.
  auto& layer = c.loop.layers.at(4);
  REQUIRE_FALSE(layer.ffn.w1.entries.empty());
  layer.ffn.w1.entries.front().value += Rational(1, 512);
  const auto why = cf::format_refusals(program, c, f);
  REQUIRE(why.size() == 1);
  CHECK(why[0].find("layer '" + layer.name + "'") != std::string::npos);
  CHECK(why[0].find("significant bits, bf16 has 8") != std::string::npos);
  // And one that fp16 cannot hold at all.
  const ScalarFacts& h = facts("fp16");
  layer.ffn.w1.entries.front().value = 70000;
  CHECK(cf::format_refusals(program, c, h).at(0).find("overflows (max finite 65504)") != std::string::npos);
}

TEST_CASE("run P.fq --scalar S: refused with the reason, or run in lockstep", "[fleq][formats][cli]") {
  SECTION("the integer snap: exit 2, the bits named") {
    const auto r = run_cli("run examples/fleq/subleq/multiply.fq --scalar bf16");
    CHECK(r.status == 2);
    CHECK(r.err.find("multiply.fq: bf16 cannot hold the loop's weights: the integer snap's weights need") != std::string::npos);
    CHECK(r.err.find("bf16 has 8") != std::string::npos);
  }
  SECTION("the product's C: exit 2, C and S named") {
    const auto r = run_cli("run examples/fleq/linalg/products.fq --scalar fp16");
    CHECK(r.status == 2);
    CHECK(r.err.find("the product constant C") != std::string::npos);
    CHECK(r.err.find("max finite") == std::string::npos);  // the bound is printed as 65504
    CHECK(r.err.find("65504") != std::string::npos);
  }
  SECTION("a small program agrees at bf16, a real-valued one diverges at fp16 on a real cell, the controller exact") {
    const std::string path = small_program_path();
    const auto small = run_cli("run " + path + " --scalar bf16 --json");
    INFO(small.err);
    REQUIRE(small.status == 0);
    CHECK(json::parse(small.out)["agree"] == true);
    const auto arith = run_cli("run examples/fleq/calc/arith.fq --scalar fp16 --json");
    INFO(arith.err);
    REQUIRE(arith.status == 1);
    const json j = json::parse(arith.out);
    CHECK(j["halted"] == true);
    CHECK(j["first_divergence"]["field"].get<std::string>().rfind("mem[", 0) == 0);
    std::filesystem::remove(path);
  }
}

TEST_CASE("run long_loop.fq: the integer snap's limit, refused with what it would cost", "[fleq][formats][cli]") {
  const fq::FleqProgram program = example("subleq/long_loop.fq");
  REQUIRE(program.int_bound > 1024);
  const BigInt K = numerator(program.int_bound);
  const auto r = run_cli("run examples/fleq/subleq/long_loop.fq");
  CHECK(r.status == 2);
  CHECK(r.err.find("long_loop.fq: .intbound " + to_string(program.int_bound)) != std::string::npos);
  CHECK(r.err.find(BigInt(4 * K + 2).str() + " units") != std::string::npos);  // one data row
  CHECK(r.err.find("K <= 1024") != std::string::npos);
}
