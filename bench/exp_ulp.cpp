// The error of the engine's vectorised exp (Eigen's array exp, softmax rows of >= 8
// scores) in ulps, for the exp model of proofs/read.md ("The exp model"), issue 10 defect 4.
// Not a speed benchmark: each case runs once and reports counters
//   max_ulps, at (the worst x), frac_ge_1ulp, abs_below_normal (largest absolute error where e^x is below the normal range), mpfr_ulps (the worst x re-measured in 256-bit MPFR).
// LOOPCERT_EXP_SAMPLES (default 2e7) doubles in the softmax range [-800, 0] (uniform and
// log-uniform in |x|); LOOPCERT_EXP_EXHAUSTIVE=1: every float in [-120, 0] (about 1.1e9).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>

#include "../tests/exp_ulp.hpp"

using namespace loopcert::exp_ulp;

namespace {

std::uint64_t samples() {
  const char* s = std::getenv("LOOPCERT_EXP_SAMPLES");
  return s ? static_cast<std::uint64_t>(std::strtod(s, nullptr)) : 20000000ULL;
}

template <class F>
void report(benchmark::State& state, const Worst& w) {
  state.counters["samples"] = static_cast<double>(w.samples);
  state.counters["max_ulps"] = w.ulps;
  state.counters["at"] = w.at;
  state.counters["frac_ge_1ulp"] = static_cast<double>(w.at_least_one_ulp) / static_cast<double>(w.samples);
  state.counters["abs_below_normal"] = w.absolute_below_normal;
  state.counters["at_abs"] = w.at_absolute;
  state.counters["mpfr_ulps"] = mpfr_ulps<F>(static_cast<F>(w.at));
}

void BM_EigenExpDouble(benchmark::State& state) {
  for (auto _ : state) {
    Worst w;
    const std::uint64_t total = samples(), chunk = 1 << 20;
    for (std::uint64_t done = 0, seed = 1; done < total; done += chunk, ++seed) measure(softmax_inputs<double>(seed, chunk, -800.0), w);
    report<double>(state, w);
  }
}
BENCHMARK(BM_EigenExpDouble)->Iterations(1)->Unit(benchmark::kSecond);

void BM_EigenExpFloat(benchmark::State& state) {
  const bool exhaustive = std::getenv("LOOPCERT_EXP_EXHAUSTIVE") != nullptr;
  for (auto _ : state) {
    Worst w;
    if (exhaustive) {
      // every float from -0 down to -120: bit patterns 0x80000000 upwards
      std::uint32_t bits = 0x80000000u, last;
      const float stop = -120.0f;
      std::memcpy(&last, &stop, 4);
      std::vector<float> xs;
      xs.reserve(1 << 20);
      for (; bits <= last; ++bits) {
        float x;
        std::memcpy(&x, &bits, 4);
        xs.push_back(x);
        if (xs.size() == xs.capacity() || bits == last) measure(xs, w), xs.clear();
      }
    } else {
      const std::uint64_t total = samples(), chunk = 1 << 20;
      for (std::uint64_t done = 0, seed = 1; done < total; done += chunk, ++seed) measure(softmax_inputs<float>(seed, chunk, -120.0f), w);
    }
    report<float>(state, w);
  }
}
BENCHMARK(BM_EigenExpFloat)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
