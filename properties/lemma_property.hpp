// The shape every lemma property shares: on random valid inputs (the generators of
// src/analysis/lemma_checks, driven by a RapidCheck seed) the block's output is within
// its bound function at double, mpfr:200 and exact, and on the lemma's worst-case inputs
// at double, long double, mpfr:80, mpfr:113 and exact; the bound is non-vacuous at the
// default parameters; and a broken construction is caught (the negative check).
#pragma once
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "analysis/lemma_checks.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::properties {

inline void lemma_holds(const std::string& lemma, const std::string& scalar, analysis::Inputs inputs = analysis::Inputs::Random) {
  const std::string kind = inputs == analysis::Inputs::Random ? "random" : "worst-case";
  rc::prop(lemma + " within its bound at " + scalar + " on " + kind + " inputs", [=](std::uint64_t seed) {
    analysis::LemmaSettings settings;
    settings.inputs = inputs;
    const auto t = analysis::run_lemma_trial(lemma, parse_scalar(scalar), seed, settings);
    RC_LOG() << "n=" << t.n << " L=" << t.L << " N=" << t.N << " lambda=" << t.lambda << " delta=" << t.delta
             << " observed=" << t.observed << " bound=" << t.bound << " (" << t.bound_function << ") " << t.detail << "\n";
    RC_ASSERT(t.holds);
  });
}

// Noise-free inputs at the default temperature: the bound stays below the decode
// tolerance (0.25), so it says something.
inline void lemma_bound_is_useful(const std::string& lemma) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    analysis::LemmaSettings quiet;
    quiet.noise = 0;
    const auto t = analysis::run_lemma_trial(lemma, parse_scalar("double"), seed, quiet);
    INFO(lemma << " seed " << seed << " n=" << t.n << " bound=" << t.bound);
    CHECK(t.bound < 0.25);
  }
}

// A deliberately broken construction must violate the bound on some input: the
// property above can fail.
inline void lemma_catches(const std::string& lemma, analysis::Sabotage sabotage) {
  analysis::LemmaSettings broken;
  broken.sabotage = sabotage;
  int violations = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed)
    if (!analysis::run_lemma_trial(lemma, parse_scalar("double"), seed, broken).holds) ++violations;
  INFO(lemma << ": " << violations << " of 60 broken trials violate the bound");
  CHECK(violations > 0);
}

}  // namespace loopcert::properties

// One property file per lemma expands this.
#define LOOPCERT_LEMMA_PROPERTIES(LEMMA)                                                                   \
  TEST_CASE(LEMMA ": output within its proved bound", "[property][" LEMMA "]") {                          \
    loopcert::properties::lemma_holds(LEMMA, "double");                                                    \
    loopcert::properties::lemma_holds(LEMMA, "mpfr:200");                                                  \
    loopcert::properties::lemma_holds(LEMMA, "exact");                                                     \
  }                                                                                                        \
  TEST_CASE(LEMMA ": the bound is non-vacuous at the default parameters", "[property][" LEMMA "]") {      \
    loopcert::properties::lemma_bound_is_useful(LEMMA);                                                    \
  }                                                                                                        \
  TEST_CASE(LEMMA ": negative check, a doubled output weight is caught", "[property][negative][" LEMMA "]") { \
    loopcert::properties::lemma_catches(LEMMA, loopcert::analysis::Sabotage::DoubleFirstOutputWeight);     \
  }
