// The worst-case lemma inputs (analysis/lemma_checks/<lemma>.cpp) reach the regimes where
// issue 10's defects lived: the write at a tiny pointer noise and large lambda (defect 1)
// breaks the old double evaluation of write_output, and holds against the rigorous one.
#include <catch2/catch.hpp>
#include <cmath>

#include "analysis/lemma_checks.hpp"
#include "bounds/write.hpp"

using namespace loopcert;

namespace {
// write_output as it was evaluated before issue 10: (rho - 1) / (2 (1 + rho)) in double,
// which is 0 once lambda L delta < 2^-53, and every sum rounded to nearest.
double cancelling_write_output(int n, int L, double lambda, double delta, double C) {
  const double rho = std::exp(lambda * L * delta);
  const double r = (n - 2) * std::exp(-lambda * (2 - L * delta));
  const double eta = (rho - 1) / (2 * (1 + rho)) + r / (1 + r);
  return 2 * eta * (1 + C) + (1 + 2 * eta) * delta;
}
}  // namespace

TEST_CASE("worst-case write inputs hold at high precision and catch the cancelling bound (issue 10, defect 1)", "[bounds][lemma]") {
  analysis::LemmaSettings worst;
  worst.inputs = analysis::Inputs::Adversarial;
  for (const char* scalar : {"mpfr:80", "mpfr:113", "mpfr:200"}) {
    int tiny = 0, beaten = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const auto t = analysis::run_lemma_trial("write", parse_scalar(scalar), seed, worst);
      INFO(scalar << " seed " << seed << " delta " << t.delta << " lambda " << t.lambda << ": observed " << t.observed << " bound " << t.bound);
      CHECK(t.holds);
      if (t.delta > std::ldexp(1.0, -59)) continue;
      ++tiny;
      // The rounding part is what the lemma check adds; only the exact part changed.
      const double old_bound = t.bound - t.exact_part + cancelling_write_output(t.n, t.L, t.lambda, t.delta, 2);
      beaten += t.observed > old_bound;
    }
    INFO(scalar << ": " << beaten << " of " << tiny << " tiny-delta trials beat the cancelling bound");
    CHECK(tiny > 0);
    CHECK(beaten > 0);
  }
}

TEST_CASE("every lemma holds on its worst-case inputs at double and exact", "[bounds][lemma]") {
  analysis::LemmaSettings worst;
  worst.inputs = analysis::Inputs::Adversarial;
  for (const auto& lemma : analysis::lemma_names())
    for (const char* scalar : {"double", "exact", "long-double"})
      for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const auto t = analysis::run_lemma_trial(lemma, parse_scalar(scalar), seed, worst);
        INFO(lemma << " at " << scalar << " seed " << seed << ": observed " << t.observed << " bound " << t.bound << " " << t.detail);
        CHECK(t.holds);
      }
}
