// The FLEQ transformer in lockstep with the exact FLEQ machine: one loop per executed
// instruction at double and mpfr:128; after every loop pc and every .int cell equal the
// machine's, and at the end every real entry is within |x - x*| / max(1, |x*|) <= 1e-6.
// The programs with elementwise functions: tests/test_fleq_transformer_functions.cpp.
// Plus the construction's shape and a broken weight that must diverge.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "compile/fleq/compiler.hpp"
#include "fleq_lockstep.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
using namespace loopcert::test_fleq;
namespace fs = std::filesystem;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

// Every covered example at one scalar. Agreement on the real cells is required where the
// product's bound (bounds::fleq_product_total at the compiled C, from .bound and the
// scalar, never the data) is within the tolerance; beyond it (the Hilbert matrix's
// .bound 512 at double) only the controller must agree and the real error is reported.
void check_examples(const std::string& scalar) {
  int covered = 0;
  for (const auto& dir : fs::directory_iterator(kExamples))
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const fq::FleqProgram p = fq::load_fq(entry.path().string());
      if (cf::unsupported_instruction(p)) continue;
      if (cf::geometry(p).uses_functions()) continue;  // tests/test_fleq_transformer_functions.cpp
      if (p.int_bound > cf::CompileOptions{}.max_int_bound) {
        WARN(p.source << ": .intbound " << to_string(p.int_bound) << " is beyond the integer snap's default range; skipped");
        continue;
      }
      const double product_bound = cf::compile_fleq(p, {unit_roundoff(scalar)}).constants.product_error;
      const Lockstep r = run_at(p, scalar);
      INFO(p.source << " at " << scalar << ": " << (r.divergence.empty() ? "ok" : r.divergence) << ", product bound " << product_bound);
      if (std::getenv("LOOPCERT_FLEQ_REPORT"))
        std::printf("%s at %s: %s, %lld loops, max real error %.3g, product bound %.3g\n", entry.path().filename().c_str(), scalar.c_str(),
                    r.agree ? "agree" : (r.controller_agree ? "controller agrees, reals beyond tolerance" : "DIVERGE"),
                    static_cast<long long>(r.loops), r.max_real_error, product_bound);
      CHECK(r.controller_agree);
      CHECK(r.halted);
      if (product_bound <= kTolerance) CHECK(r.agree);
      else WARN(p.source << " at " << scalar << ": product bound " << product_bound << " above the tolerance; real error " << r.max_real_error);
      ++covered;
    }
  CHECK(covered >= 11);
}

// Real add, sub and copy on cells of different shapes, .int counters, every jump form.
const char* kRealProgram = R"(.k 2
.bound 16
.real A = [[1/3, -2], [5/7, 1]]
.real B = [[1/10, 1/4], [3, -1/8]]
.real C 2x2
.real v = [[1/3], [-2/5]]
.real w 2x1
.real s = 7/9
.real r 1x2
.int i = -3
.int one = 1
.int zero = 0
loop:   C = add C, A
        C = sub C, B
        w = copy v
        w = add w, v
        v = sub v, w
        r = copy r
        if zero <= 0 goto skip
        s = add s, s
skip:   w = sub w, v
        i = add i, one  if i <= 0 goto loop
        goto end
        s = add s, s
end:    halt
)";

}  // namespace

TEST_CASE("FLEQ transformer: every covered example agrees with the exact machine at double", "[fleq][transformer]") {
  check_examples("double");
}

TEST_CASE("FLEQ transformer: every covered example agrees with the exact machine at mpfr:128", "[fleq][transformer]") {
  check_examples("mpfr:128");
}

TEST_CASE("FLEQ transformer: real add, sub and copy on mixed shapes, every jump form", "[fleq][transformer]") {
  const fq::FleqProgram p = fq::assemble_fq(kRealProgram, "real.fq");
  for (const std::string scalar : {"double", "mpfr:128"}) {
    const Lockstep r = run_at(p, scalar);
    INFO(scalar << ": " << (r.divergence.empty() ? "ok" : r.divergence) << ", max real error " << r.max_real_error);
    CHECK(r.agree);
    CHECK(r.halted);
    CHECK(r.max_real_error <= (scalar == "double" ? 1e-12 : 1e-30));
  }
}

TEST_CASE("FLEQ transformer: a broken weight diverges", "[fleq][transformer][negative]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "subleq/gcd.fq");
  cf::CompiledFleq compiled = cf::compile_fleq(p);
  // The result layer's pass-through of the elementwise result, scaled by 1 + 2^-3: the
  // integer snap still rounds small errors away, so break the flag instead: every
  // weight of the flag layer's ReLU outputs is halved.
  auto& flag = compiled.loop.layers[5];
  REQUIRE(flag.name == "flag");
  for (auto& e : flag.ffn.w2.entries)
    if (e.row == compiled.layout.row("flag")) e.value /= 2;
  const Lockstep r = run_lockstep<double>(p, compiled);
  INFO(r.divergence);
  CHECK_FALSE(r.agree);
}

TEST_CASE("FLEQ transformer: a broken product weight leaves the tolerance", "[fleq][transformer][negative]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "linalg/newton_a3.fq");
  cf::CompiledFleq compiled = cf::compile_fleq(p);
  REQUIRE(run_lockstep<double>(p, compiled).agree);
  // The A B head's values (nu = n C / 2) off by 2^-12: every matmul is 2^-12 too large.
  auto& products = compiled.loop.layers[3];
  REQUIRE(products.name == "products");
  int broken = 0;
  for (auto& head : products.heads)
    if (head.name == "fleq_matmul")
      for (auto& e : head.value.entries) e.value *= 1 + Rational(1, 4096), ++broken;
  REQUIRE(broken > 0);
  const Lockstep r = run_lockstep<double>(p, compiled);
  INFO(r.divergence << ", real error " << r.max_real_error);
  CHECK_FALSE(r.agree);
  CHECK(r.max_real_error > kTolerance);
}

TEST_CASE("FLEQ transformer: the loop's shape", "[fleq][transformer]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "subleq/gcd.fq");
  const cf::CompiledFleq compiled = cf::compile_fleq(p);
  const cf::LoopShape s = cf::loop_shape(compiled.loop);
  CHECK(s.layers == 7);
  CHECK(s.heads == 9);
  CHECK(s.max_heads_per_layer == 3);
  CHECK(s.heads_per_layer == std::vector<int>{1, 0, 3, 3, 1, 1, 0});
  CHECK(s.layer_names == std::vector<std::string>{"fetch", "decode", "operands", "products", "write", "flag", "branch"});
  if (std::getenv("LOOPCERT_FLEQ_REPORT"))
    for (const char* name : {"subleq/gcd.fq", "linalg/newton_a3.fq", "icl/sgd_linear.fq", "linalg/products.fq"}) {
      const fq::FleqProgram q = fq::load_fq(kExamples + name);
      const cf::CompiledFleq c = cf::compile_fleq(q);
      const cf::LoopShape t = cf::loop_shape(c.loop);
      std::printf("%s: d = %d rows, n = %d columns, %d layers, %d heads, %d hidden units (", name, c.layout.rows(), c.layout.columns(), t.layers, t.heads, t.hidden_units);
      for (int l = 0; l < t.layers; ++l) std::printf("%s%s %d", l ? ", " : "", t.layer_names[l].c_str(), t.hidden_per_layer[l]);
      std::printf("); read lambda %s, write lambda %s, C = 2^%d, transpose C = 2^%d\n", to_string(c.constants.read_lambda).c_str(),
                  to_string(c.constants.write_lambda).c_str(), c.constants.product_scale_log2, c.constants.transpose_scale_log2);
    }
}
