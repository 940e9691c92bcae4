// Per-loop time of the SUBLEQ transformer from n = 32 to 4096 columns at double, against
// the multiply-add floor, and the emulated and mpfr:128 figures (issue 14).
//
// Layouts: (s, m, n, N) = (8, 8, 32, 8), then s = m = n / 4, N = 8 (bench/engine_setup.hpp).
// Counters of every row:
//   madds     the loop's multiply-adds counted from its LoopSpec, as if computed in full:
//             per layer sum(nnz(Q) + nnz(K) + nnz(V)) n (projections) + sum(key_dim +
//             value rows) n^2 (scores and read-out) + (nnz(W1) + nnz(W2)) n (feed-forward)
//   floor_ms  madds / (8 per cycle * clock): two 4-wide FMA units
//   clock_GHz measured once per process: a chain of dependent integer additions (one per
//             cycle) timed with the thread's CPU clock, so time taken by other jobs on the
//             shared machine does not count
//   loop_ms   CPU time per loop (thread clock)
//   x_floor   loop_ms / floor_ms
//   peak_rss_MB  the process's peak resident memory so far (run one size alone to read
//             that size's footprint: scripts/engine_table.sh does)
// BM_threads/n/T: double at T threads (set_threads), wall-clock loop_ms.
// Run: build/bench_engine_scaling --benchmark_filter=double
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <set>

#include <sys/resource.h>

#include "core/emulated_float.hpp"  // first: see core/scalar.hpp
// Then the rest.
#include "engine_setup.hpp"
#include "compile/subleq/compiler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

using bench::thread_seconds;

// Cycles per second of this core: 4e8 dependent additions take 4e8 cycles.
double clock_hz() {
  static const double hz = [] {
    double best = 0;
    for (int trial = 0; trial < 3; ++trial) {
      const long steps = 400'000'000;
      long x = 0;
      const double start = thread_seconds();
      for (long i = 0; i < steps; ++i) asm volatile("add $1, %0" : "+r"(x));
      best = std::max(best, steps / (thread_seconds() - start));
    }
    return best;
  }();
  return hz;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double loop_madds(const LoopSpec& loop, double n) {
  double madds = 0;
  for (const auto& layer : loop.layers) {
    for (const auto& h : layer.heads) {
      madds += static_cast<double>(h.query.nonzeros() + h.key.nonzeros() + h.value.nonzeros()) * n;
      std::set<int> value_rows;
      for (const auto& e : h.value.entries) value_rows.insert(e.row);
      madds += static_cast<double>(h.key_dim + value_rows.size()) * n * n;
    }
    madds += static_cast<double>(layer.ffn.w1.nonzeros() + layer.ffn.w2.nonzeros()) * n;
  }
  return madds;
}

// CPU time per loop (the thread's clock: other jobs on the machine do not count), the
// floor, and their ratio.
template <class T>
void floor_benchmark(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto p = bench::engine_program(n);
  blocks::BlockParams params;
  params.lambda = 4;
  const auto compiled = compile::compile_subleq(p, params);
  auto tf = instantiate<T>(compiled.loop, AttentionMode::Softmax);
  Matrix<T> X = to_scalar<T>(compiled.X0);
  double cpu = 0;
  for (auto _ : state) {
    const double start = thread_seconds();
    tf.apply_loop(X);
    cpu += thread_seconds() - start;
    benchmark::DoNotOptimize(X.data());
  }
  const double madds = loop_madds(compiled.loop, n);
  const double floor_s = madds / (8 * clock_hz());
  const double per_loop = cpu / static_cast<double>(state.iterations());
  state.counters["madds"] = madds;
  state.counters["floor_ms"] = floor_s * 1e3;
  state.counters["loop_ms"] = per_loop * 1e3;
  state.counters["x_floor"] = per_loop / floor_s;
  state.counters["clock_GHz"] = clock_hz() * 1e-9;
  state.counters["peak_rss_MB"] = peak_rss_mb();
}

void BM_double(benchmark::State& st) { floor_benchmark<double>(st); }
void BM_float(benchmark::State& st) { floor_benchmark<float>(st); }
void BM_bf16(benchmark::State& st) { floor_benchmark<bf16>(st); }
void BM_fp16(benchmark::State& st) { floor_benchmark<fp16>(st); }
void BM_mpfr128(benchmark::State& st) {
  MpfrPrecisionScope scope(128);
  floor_benchmark<MpfrReal>(st);
}

// `--threads T` (LoopedTransformer::set_threads) at double: wall-clock time per loop,
// since the work is spread over threads (on the shared 2-core machine, so other jobs count).
void BM_threads(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(1));
  const auto p = bench::engine_program(n);
  blocks::BlockParams params;
  params.lambda = 4;
  const auto compiled = compile::compile_subleq(p, params);
  auto tf = instantiate<double>(compiled.loop, AttentionMode::Softmax);
  tf.set_threads(threads);
  Matrix<double> X = to_scalar<double>(compiled.X0);
  double wall = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    tf.apply_loop(X);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    benchmark::DoNotOptimize(X.data());
  }
  state.counters["loop_ms"] = wall / static_cast<double>(state.iterations()) * 1e3;
  state.counters["threads"] = threads;
}

}  // namespace

BENCHMARK(BM_threads)->Args({1024, 1})->Args({1024, 2})->Args({2048, 1})->Args({2048, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_double)->RangeMultiplier(2)->Range(32, 4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_float)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bf16)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fp16)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mpfr128)->Arg(32)->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(5);
