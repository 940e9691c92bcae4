// proofs/precision.md's monotonicity in P (issue 10, defect 6) and read_output's gate
// hypothesis (defect 7).
#include <catch2/catch.hpp>
#include <mpfr.h>

#include <cmath>

#include "bounds/precision.hpp"
#include "compile/subleq/compiler.hpp"
#include "isa/subleq/assembler.hpp"

using namespace loopcert;

namespace {
// lambda rounded to nearest at P bits, as MPFR holds it, compared with a double.
int compare_rounded(const Rational& lambda, int P, double x) {
  mpfr_t r;
  mpfr_init2(r, P);
  mpfr_set_q(r, lambda.backend().data(), MPFR_RNDN);
  const int c = mpfr_cmp_d(r, x);
  mpfr_clear(r);
  return c;
}
}  // namespace

TEST_CASE("lambda_at_precision holds the P-bit lambda and is nested in P (issue 10, defect 6)", "[bounds][precision]") {
  for (const Rational& lambda : {Rational(71, 20), Rational(1, 3), Rational(7, 2), Rational(11, 4)}) {
    bounds::LambdaRange previous{-INFINITY, INFINITY};
    for (int P = 2; P <= 1200; P += (P < 80 ? 1 : 37)) {
      const bounds::LambdaRange r = bounds::lambda_at_precision(lambda, P);
      INFO("lambda " << lambda << " P " << P << ": [" << r.lo << ", " << r.hi << "]");
      CHECK(compare_rounded(lambda, P, r.lo) >= 0);
      CHECK(compare_rounded(lambda, P, r.hi) <= 0);
      CHECK(previous.lo <= r.lo);
      CHECK(r.hi <= previous.hi);
      previous = r;
    }
  }
  // A dyadic lambda with few bits is a point from its width on.
  const auto r = bounds::lambda_at_precision(Rational(7, 2), 3);
  CHECK(r.lo == 3.5);
  CHECK(r.hi == 3.5);
}

TEST_CASE("the unit roundoff of the precision search never underflows to 0 (issue 10, defect 6)", "[bounds][precision]") {
  for (const int P : {53, 1074, 1075, 2000, 4096}) CHECK(bounds::unit_roundoff_bits(P) >= std::ldexp(1.0L, -P));
  CHECK(bounds::unit_roundoff_bits(2000) > 0);
}

TEST_CASE("the loop budget is monotone in P at a non-dyadic lambda, so the bisection is valid (issue 10, defect 6)", "[bounds][precision]") {
  const auto p = isa::load_sq(std::string(LOOPCERT_SOURCE_DIR) + "/examples/subleq/multiply.sq");
  const auto compiled = compile::compile_subleq(p, {});
  const Layout layout(p.scratch, p.cells(), p.command_count());
  const int n = layout.columns(), L = layout.address_bits(), N = p.bits;
  const auto k = compile::loop_constants({});
  for (const Rational& lambda : {Rational(71, 20), Rational(9, 2)}) {
    const int predicted = bounds::predicted_bits(compiled.loop, n, L, N, lambda, k);
    REQUIRE(predicted > 0);
    auto holds = [&](int P) {
      return bounds::loop_budget(bounds::loop_rounding(compiled.loop, bounds::unit_roundoff_bits(P)), n, L, N,
                                 bounds::lambda_at_precision(lambda, P), k, P).holds;
    };
    INFO("lambda " << lambda << ": predicted " << predicted);
    CHECK(!holds(predicted - 1));
    for (int P = predicted; P <= predicted + 40; ++P) CHECK(holds(P));
    for (const int P : {1074, 1075, 2000, 4096}) CHECK(holds(P));
  }
}

TEST_CASE("read_output checks the snap gate's hypothesis C_g >= 2 - e_s + delta (issue 10, defect 7)", "[bounds]") {
  CHECK(bounds::read_output(64, 6, 6, 0.01, 0.5) == 0);
  CHECK(bounds::read_output(64, 6, 6, 0.01, 0.5, 4) == 0);
  CHECK(bounds::read_output(64, 6, 6, 0.01, 0.5, 1.5) == bounds::kInfinity);  // 1.5 < 2 - 0.5 + 0.01
  CHECK(bounds::read_output(64, 6, 6, 0.01, 0.5, 1.51) == 0);
}
