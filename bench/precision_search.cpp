// Issue 5's speed targets (benchmarks, never asserted in tests):
//  1. a precision search on examples/subleq/fibonacci.sq (default lambda, bits 2..64)
//     against one full run at the largest precision it tries (mpfr:64): target <= 10x;
//  2. emulated bf16 / fp16 against double on the same program: target <= 10x. Measured
//     three ways: the transformer loop alone (every layer, every column), each layer
//     alone (where the time goes), and a whole lockstep run (multiply.sq, where double
//     and fp16 both agree to the end).
// Run: build/bench_precision_search --benchmark_out=reports/bench_precision.json
// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "random_program.hpp"
#include "core/emulated_float.hpp"
// Then the rest.
#include <benchmark/benchmark.h>

#include <random>

#include "bounds/subleq_loop.hpp"
#include "analysis/lockstep.hpp"
#include "core/narrow_mpfr.hpp"
#include "analysis/search.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/assembler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

// The benchmarks are built without LOOPCERT_SOURCE_DIR: find the examples next to this file.
std::string source_dir() {
  const std::string here = __FILE__;  // .../bench/precision_search.cpp (CMake passes absolute paths)
  const auto slash = here.rfind("/bench/");
  return slash == std::string::npos ? "." : here.substr(0, slash);
}
const std::string kExamples = source_dir() + "/examples/subleq/";

Rational default_lambda(const isa::SubleqProgram& p) { return compile::default_lambda(p, blocks::BlockParams{}); }

// --- 1. precision search ---------------------------------------------------------------
void BM_search_precision_fibonacci(benchmark::State& state) {
  const auto p = isa::load_sq(kExamples + "fibonacci.sq");
  analysis::SearchCommon c;
  c.jobs = static_cast<int>(state.range(0));
  long runs = 0, bits_min = 0;
  for (auto _ : state) {
    const auto s = analysis::search_precision(compile::subleq_target(p, {}), default_lambda(p), 2, 64, c);
    runs = static_cast<long>(s.runs.size());
    bits_min = s.bits_min.value_or(0);
  }
  state.counters["runs"] = static_cast<double>(runs);
  state.counters["bits_min"] = static_cast<double>(bits_min);
}

void run_benchmark(benchmark::State& state, const std::string& program, const std::string& scalar, bool track, bool fast_mpfr = true) {
  const auto p = isa::load_sq(kExamples + program);
  analysis::RunOptions o;
  o.scalar = parse_scalar(scalar);
  o.lambda = default_lambda(p);
  o.track_layers = track;
  o.fast_mpfr = fast_mpfr;
  std::int64_t loops = 0;
  bool agree = false;
  for (auto _ : state) {
    const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), o);
    loops = r.loops;
    agree = r.agree;
  }
  state.counters["loops"] = static_cast<double>(loops);
  state.counters["agree"] = agree;
}
// One run as the search makes it (no layer tracking): the unit of the 10x target.
void BM_run_fibonacci_mpfr64(benchmark::State& s) { run_benchmark(s, "fibonacci.sq", "mpfr:64", false); }
void BM_run_fibonacci_mpfr40(benchmark::State& s) { run_benchmark(s, "fibonacci.sq", "mpfr:40", false); }
void BM_run_fibonacci_mpfr40_mpfr_itself(benchmark::State& s) { run_benchmark(s, "fibonacci.sq", "mpfr:40", false, false); }
void BM_run_fibonacci_mpfr20(benchmark::State& s) { run_benchmark(s, "fibonacci.sq", "mpfr:20", false); }

// --- 2. emulated formats against double --------------------------------------------------
void BM_run_multiply_double(benchmark::State& s) { run_benchmark(s, "multiply.sq", "double", false); }
void BM_run_multiply_fp16(benchmark::State& s) { run_benchmark(s, "multiply.sq", "fp16", false); }
void BM_run_multiply_double_tracked(benchmark::State& s) { run_benchmark(s, "multiply.sq", "double", true); }
void BM_run_multiply_fp16_tracked(benchmark::State& s) { run_benchmark(s, "multiply.sq", "fp16", true); }

using loopcert::bench::random_program;

template <class T>
void loop_benchmark(benchmark::State& state) {
  const auto p = random_program(8, 8, 32, 8);
  blocks::BlockParams params;
  params.lambda = 4;
  const auto compiled = compile::compile_subleq(p, params);
  auto tf = instantiate<T>(compiled.loop, AttentionMode::Softmax);
  const Matrix<T> X0 = to_scalar<T>(compiled.X0);
  Matrix<T> X = X0;
  const int layer = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    X = X0;  // the same input every time (a format that diverges would otherwise drift into NaN)
    state.ResumeTiming();
    if (layer < 0) tf.apply_loop(X);
    else tf.apply_layer(layer, X);
    benchmark::DoNotOptimize(X.data());
  }
  if (layer >= 0) state.SetLabel(tf.layer(layer).name);
}
void BM_loop_double(benchmark::State& s) { loop_benchmark<double>(s); }
void BM_loop_bf16(benchmark::State& s) { loop_benchmark<bf16>(s); }
void BM_loop_fp16(benchmark::State& s) { loop_benchmark<fp16>(s); }
void BM_loop_tf32(benchmark::State& s) { loop_benchmark<tf32>(s); }
void BM_loop_fp8e4m3(benchmark::State& s) { loop_benchmark<fp8e4m3>(s); }
void BM_loop_float128(benchmark::State& s) { loop_benchmark<Float128>(s); }
void BM_loop_narrow40(benchmark::State& s) {
  NarrowPrecisionScope scope(40);
  loop_benchmark<NarrowMpfr>(s);
}
void BM_loop_mpfr40(benchmark::State& s) {
  MpfrPrecisionScope scope(40);
  loop_benchmark<MpfrReal>(s);
}

}  // namespace

BENCHMARK(BM_search_precision_fibonacci)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_run_fibonacci_mpfr64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_fibonacci_mpfr40)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_fibonacci_mpfr40_mpfr_itself)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_fibonacci_mpfr20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_multiply_double)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_multiply_fp16)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_multiply_double_tracked)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run_multiply_fp16_tracked)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_loop_double)->Arg(-1)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_bf16)->Arg(-1)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_fp16)->Arg(-1)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_tf32)->Arg(-1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_fp8e4m3)->Arg(-1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_float128)->Arg(-1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_narrow40)->Arg(-1)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_loop_mpfr40)->Arg(-1)->Unit(benchmark::kMicrosecond);
