// The seed of trial i of a lemma check run with seed s (`loopcert verify --seed s`), the
// one formula verify and the error report share, so that a report row can be reproduced
// with `loopcert verify LEMMA --scalar S --trials N` (analysis/lemma_checks.hpp).
#pragma once
#include <cstdint>

namespace loopcert::analysis {

// splitmix64 of s + golden-ratio increments: independent, reproducible seeds.
inline std::uint64_t trial_seed(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (i + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace loopcert::analysis
