// The whole loop (proofs/subleq_loop.md): for random programs and memories, every loop
// of the transformer equals one step of the reference machine after decoding, and the
// drift after correction stays below the correction threshold e. At double, mpfr:200
// and exact (hardmax). Negative check: a temperature far below the bound diverges.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include "compile/subleq/compiler.hpp"
#include "random_subleq.hpp"
#include "compile/subleq/target.hpp"
#include "bounds/subleq_loop.hpp"
#include "analysis/lockstep.hpp"
#include "core/rational.hpp"
#include "tf/layout.hpp"

using namespace loopcert;

namespace {

rc::Gen<isa::SubleqProgram> random_program() { return testing::random_subleq_program(); }

analysis::RunResult run(const isa::SubleqProgram& p, const std::string& scalar, std::int64_t steps, const Rational* lambda = nullptr) {
  analysis::RunOptions o;
  o.scalar = parse_scalar(scalar);
  o.max_steps = steps;
  if (lambda) {
    o.lambda = *lambda;
  } else {
    o.lambda = compile::default_lambda(p, blocks::BlockParams{});
  }
  return analysis::run_lockstep(compile::subleq_target(p, {}), o);
}

}  // namespace

TEST_CASE("subleq loop: each loop is one step of the reference machine", "[property][subleq_loop]") {
  for (const std::string scalar : {"double", "mpfr:200", "exact"}) {
    rc::prop("lockstep at " + scalar, [scalar] {
      const isa::SubleqProgram p = *random_program();
      const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, scalar == "exact" ? 4 : 12);
      const auto r = run(p, scalar, steps);
      RC_LOG() << (r.first_divergence ? r.first_divergence->field + " " + r.first_divergence->detail : "") << " N=" << p.bits << " m=" << p.cells() << " cmds=" << p.command_count() << " loops=" << r.loops
               << " drift=" << r.max_drift << "\n";
      RC_ASSERT(r.agree);
      RC_ASSERT(r.max_drift < 0.25);  // below the correction threshold e = 1/4 (BlockParams)
      if (scalar == "exact") RC_ASSERT(r.max_drift == 0);
    });
  }
}

TEST_CASE("subleq loop: negative check, lambda far below the bound diverges", "[property][negative][subleq_loop]") {
  // The same generator at lambda = 1/4: some program must diverge, or the property
  // above could not fail.
  const Rational low(1, 4);
  int diverged = 0;
  for (int seed = 0; seed < 20 && diverged == 0; ++seed) {
    const auto p = rc::gen::exec([] { return *random_program(); })(rc::Random(seed), 10).value();
    if (!run(p, "double", 8, &low).agree) ++diverged;
  }
  CHECK(diverged > 0);
}
