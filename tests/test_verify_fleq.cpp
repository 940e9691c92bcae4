// `loopcert verify` covers the FLEQ lemmas (analysis/lemma_checks/fleq_*.cpp): each is
// registered, holds on random and worst-case inputs at double and mpfr:128 (bounded
// lemmas with a bound that says something: below 1e-2 of the data bound's scale), and a
// broken construction is caught: a doubled output (or, for the heads, value) weight, and
// for the attention lemmas a cold temperature (the products: C / 256).
#include <catch2/catch.hpp>

#include <algorithm>

#include "analysis/lemma_checks.hpp"
#include "core/scalar_name.hpp"

using namespace loopcert;

namespace {

const std::vector<std::string> kFleq = {"fleq_read",      "fleq_write",       "fleq_product",  "fleq_matmul",
                                        "fleq_transpose", "fleq_elementwise", "fleq_int_snap", "fleq_flag"};

int violations(const std::string& lemma, analysis::LemmaSettings settings, const char* scalar, int seeds) {
  int v = 0;
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(seeds); ++seed)
    v += !analysis::run_lemma_trial(lemma, parse_scalar(scalar), seed, settings).holds;
  return v;
}

}  // namespace

TEST_CASE("verify: the FLEQ lemmas are registered", "[verify][fleq]") {
  for (const auto& l : kFleq) {
    INFO(l);
    CHECK(analysis::is_lemma(l));
    CHECK(std::find(analysis::lemma_names().begin(), analysis::lemma_names().end(), l) != analysis::lemma_names().end());
  }
}

TEST_CASE("verify: the FLEQ lemmas hold on random and worst-case inputs", "[verify][fleq]") {
  for (const auto& l : kFleq)
    for (const char* scalar : {"double", "mpfr:128"})
      for (const auto inputs : {analysis::Inputs::Random, analysis::Inputs::Adversarial}) {
        analysis::LemmaSettings settings;
        settings.inputs = inputs;
        for (std::uint64_t seed = 1; seed <= 12; ++seed) {
          const auto t = analysis::run_lemma_trial(l, parse_scalar(scalar), seed, settings);
          INFO(l << " at " << scalar << " seed " << seed << ": observed " << t.observed << " bound " << t.bound << " " << t.detail);
          CHECK(t.holds);
          CHECK(t.bound < 1e-2);  // the tolerances drawn are at most 1e-3 (read, write); products two thirds of the digits
        }
      }
}

TEST_CASE("verify: a broken FLEQ block is caught", "[verify][fleq][negative]") {
  for (const auto& l : kFleq) {
    analysis::LemmaSettings doubled;
    doubled.sabotage = analysis::Sabotage::DoubleFirstOutputWeight;
    INFO(l);
    CHECK(violations(l, doubled, "double", 30) > 0);
  }
  for (const char* l : {"fleq_read", "fleq_write", "fleq_product", "fleq_matmul", "fleq_transpose"}) {
    analysis::LemmaSettings cold;
    cold.sabotage = analysis::Sabotage::LowTemperature;
    INFO(l);
    CHECK(violations(l, cold, "double", 30) > 0);
  }
}
