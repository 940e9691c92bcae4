// The whole loop (proofs/subleq_loop.md): for random programs and memories, every loop
// of the transformer equals one step of the reference machine after decoding, and the
// drift after correction stays below the correction threshold e. At double, mpfr:200
// and exact (hardmax). Negative check: a temperature far below the bound diverges.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "bounds/subleq_loop.hpp"
#include "analysis/lockstep.hpp"
#include "core/rational.hpp"
#include "tf/layout.hpp"

using namespace loopcert;

namespace {

rc::Gen<isa::SubleqProgram> random_program() {
  return rc::gen::exec([] {
    isa::SubleqProgram p;
    p.bits = *rc::gen::inRange(2, 13);
    p.scratch = *rc::gen::inRange(1, 3);
    const int m = *rc::gen::inRange(1, 9), cmds = *rc::gen::inRange(1, 13);
    const std::int64_t lo = -(std::int64_t{1} << (p.bits - 1)), hi = (std::int64_t{1} << (p.bits - 1)) - 1;
    for (int i = 0; i < m; ++i) {
      p.cell_names.push_back("c" + std::to_string(i));
      p.memory.push_back(*rc::gen::inRange<std::int64_t>(lo, hi + 1));
    }
    // Like the assembler: a zero cell and a final halt (jump to itself on it), so the
    // program can never fall past its last command.
    p.cell_names.push_back("zero");
    p.memory.push_back(0);
    for (int j = 0; j < cmds; ++j)
      p.commands.push_back({*rc::gen::inRange(0, m + 1), *rc::gen::inRange(0, m + 1), *rc::gen::inRange(0, cmds + 1), 0});
    p.commands.push_back({m, m, cmds, 0});
    p.source = "random";
    return p;
  });
}

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
