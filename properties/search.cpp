// The searches of `loopcert search` (src/analysis/search.hpp) are consistent with the
// runs they summarise, on random programs:
//  - precision (MPFR): a run at the reported minimum agrees; a run two bits lower fails
//    unless the search flagged that precision as non-monotone; the bound of
//    bounds/precision.hpp (bounds::predicted_bits) is never below the minimum;
//  - lambda (at double and mpfr:24): a run at the reported minimum agrees; a run at
//    minimum - 2R fails unless flagged non-monotone.
// Sizes are small (a few steps, narrow ranges) so the file runs in seconds.
// Negative check: a search that reports one bit too few is caught by the same check.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <algorithm>

#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "bounds/subleq_loop.hpp"
#include "analysis/search.hpp"
#include "tf/layout.hpp"

using namespace loopcert;

namespace {

rc::Gen<isa::SubleqProgram> small_program() {
  return rc::gen::exec([] {
    isa::SubleqProgram p;
    p.bits = *rc::gen::inRange(2, 9);
    p.scratch = 1;
    const int m = *rc::gen::inRange(1, 5), cmds = *rc::gen::inRange(1, 6);
    for (int i = 0; i < m; ++i) {
      p.cell_names.push_back("c" + std::to_string(i));
      p.memory.push_back(*rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << (p.bits - 1)), std::int64_t(1) << (p.bits - 1)));
    }
    p.cell_names.push_back("zero");
    p.memory.push_back(0);
    for (int j = 0; j < cmds; ++j)
      p.commands.push_back({*rc::gen::inRange(0, m + 1), *rc::gen::inRange(0, m + 1), *rc::gen::inRange(0, cmds + 1), 0});
    p.commands.push_back({m, m, cmds, 0});  // halt
    p.source = "random";
    return p;
  });
}

Rational default_lambda(const isa::SubleqProgram& p) { return compile::default_lambda(p, blocks::BlockParams{}); }

analysis::SearchCommon common(std::int64_t steps) {
  analysis::SearchCommon c;
  c.max_steps = steps;
  c.jobs = 1;
  return c;
}

ScalarSpec mpfr(long bits) { return ScalarSpec{ScalarKind::Mpfr, bits}; }

// The consistency check of a precision answer (shared with the negative check).
bool precision_answer_consistent(const isa::SubleqProgram& p, const Rational& lambda, long lo, long claimed,
                                 const std::vector<long>& non_monotone, const analysis::SearchCommon& c) {
  if (!analysis::probe(compile::subleq_target(p, {}), mpfr(claimed), lambda, c).agree) return false;
  const long below = claimed - 2;
  if (below >= lo && analysis::probe(compile::subleq_target(p, {}), mpfr(below), lambda, c).agree &&
      std::find(non_monotone.begin(), non_monotone.end(), below) == non_monotone.end())
    return false;
  return true;
}

}  // namespace

TEST_CASE("search precision: the reported minimum agrees, two bits lower fails unless flagged", "[property][search]") {
  rc::prop("precision search on random programs (bits 2..24, <= 6 steps)", [] {
    const auto p = *small_program();
    const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, 7);
    const auto c = common(steps);
    const Rational lambda = default_lambda(p);
    const auto s = analysis::search_precision(compile::subleq_target(p, {}), lambda, 2, 24, c);
    RC_LOG() << "N=" << p.bits << " cells=" << p.cells() << " cmds=" << p.command_count() << " bits_min="
             << (s.bits_min ? std::to_string(*s.bits_min) : "none") << " predicted=" << s.predicted_bits << "\n";
    if (!s.bits_min) {
      RC_ASSERT(!analysis::probe(compile::subleq_target(p, {}), mpfr(24), lambda, c).agree);
      return;
    }
    RC_ASSERT(precision_answer_consistent(p, lambda, 2, *s.bits_min, s.non_monotone, c));
    // The bound is sufficient, never below what is measured (bounds::predicted_bits).
    if (s.predicted_bits > 0 && s.predicted_bits <= 24) RC_ASSERT(s.predicted_bits >= *s.bits_min);
  });
}

TEST_CASE("search lambda: the reported minimum agrees, minimum - 2R fails unless flagged", "[property][search]") {
  for (const std::string scalar : {"double", "mpfr:24"}) {
    rc::prop("lambda search at " + scalar + " (R = 1/4, cap 12, <= 6 steps)", [scalar] {
      const auto p = *small_program();
      const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, 7);
      const auto c = common(steps);
      const Rational R(1, 4);
      const ScalarSpec s = parse_scalar(scalar);
      const auto found = analysis::search_lambda(compile::subleq_target(p, {}), s, R, Rational(12), c);
      RC_LOG() << "N=" << p.bits << " lambda_min=" << (found.lambda_min ? to_string(*found.lambda_min) : "none") << "\n";
      if (!found.lambda_min) return;
      RC_ASSERT(analysis::probe(compile::subleq_target(p, {}), s, *found.lambda_min, c).agree);
      const Rational below = *found.lambda_min - 2 * R;
      if (below > 0 && analysis::probe(compile::subleq_target(p, {}), s, below, c).agree) {
        const auto& nm = found.non_monotone;
        RC_ASSERT(std::find(nm.begin(), nm.end(), below) != nm.end());
      }
      // The exact-arithmetic prediction (loop_is_exact) is sufficient in double.
      if (scalar == "double") RC_ASSERT(analysis::probe(compile::subleq_target(p, {}), s, parse_rational(std::to_string(found.predicted_lambda)), c).agree);
    });
  }
}

TEST_CASE("search precision: negative check, a minimum one bit too low is caught", "[property][negative][search]") {
  int caught = 0, tried = 0;
  for (int seed = 0; seed < 30 && caught == 0; ++seed) {
    const auto p = small_program()(rc::Random(seed), 20).value();
    const auto c = common(4);
    const Rational lambda = default_lambda(p);
    const auto s = analysis::search_precision(compile::subleq_target(p, {}), lambda, 2, 24, c);
    if (!s.bits_min || *s.bits_min <= 2) continue;
    ++tried;
    if (!precision_answer_consistent(p, lambda, 2, *s.bits_min - 1, s.non_monotone, c)) ++caught;
  }
  INFO(caught << " of " << tried << " broken answers caught");
  CHECK(caught > 0);
}
