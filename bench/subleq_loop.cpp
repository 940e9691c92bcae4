// Loops per second of the SUBLEQ transformer, computed in full (every column's
// attention and FFN), at double and mpfr:128, for the authors' subleq layout
// (s, m, n, N) = (8, 8, 32, 8) and for n = 256 (s = m = 64, N = 8); and one layer at
// n = 64. Run: build/bench_subleq_loop --benchmark_out=reports/bench_subleq.json
#include <benchmark/benchmark.h>

#include <random>

#include "random_program.hpp"
#include "bounds/subleq_loop.hpp"
#include "compile/subleq/compiler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

using loopcert::bench::random_program;

template <class T>
void loop_benchmark(benchmark::State& state, int s, int m, int n, int N) {
  const auto p = random_program(s, m, n, N);
  blocks::BlockParams params;
  params.lambda = 4;
  const auto compiled = compile::compile_subleq(p, params);
  auto tf = instantiate<T>(compiled.loop, AttentionMode::Softmax);
  Matrix<T> X = to_scalar<T>(compiled.X0);
  for (auto _ : state) {
    tf.apply_loop(X);
    benchmark::DoNotOptimize(X.data());
  }
  state.counters["loops_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rows"] = compiled.layout.rows();
}

void BM_loop_double_n32(benchmark::State& st) { loop_benchmark<double>(st, 8, 8, 32, 8); }
void BM_loop_double_n256(benchmark::State& st) { loop_benchmark<double>(st, 64, 64, 256, 8); }
void BM_loop_mpfr128_n32(benchmark::State& st) {
  MpfrPrecisionScope scope(128);
  loop_benchmark<MpfrReal>(st, 8, 8, 32, 8);
}
void BM_loop_mpfr128_n256(benchmark::State& st) {
  MpfrPrecisionScope scope(128);
  loop_benchmark<MpfrReal>(st, 64, 64, 256, 8);
}

template <class T>
void layer_benchmark(benchmark::State& state) {
  const auto p = random_program(8, 16, 64, 8);
  blocks::BlockParams params;
  params.lambda = 4;
  const auto compiled = compile::compile_subleq(p, params);
  auto tf = instantiate<T>(compiled.loop, AttentionMode::Softmax);
  Matrix<T> X = to_scalar<T>(compiled.X0);
  const int layer = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Matrix<T> Y = X;
    tf.apply_layer(layer, Y);
    benchmark::DoNotOptimize(Y.data());
  }
  state.SetLabel(tf.layer(layer).name);
}
void BM_layer_double_n64(benchmark::State& st) { layer_benchmark<double>(st); }
void BM_layer_mpfr128_n64(benchmark::State& st) {
  MpfrPrecisionScope scope(128);
  layer_benchmark<MpfrReal>(st);
}

}  // namespace

BENCHMARK(BM_loop_double_n32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_loop_double_n256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_loop_mpfr128_n32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_loop_mpfr128_n256)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_layer_double_n64)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_layer_mpfr128_n64)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
