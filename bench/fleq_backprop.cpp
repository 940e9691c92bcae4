// The 100-epoch backpropagation program (examples/fleq/icl/backprop_221.fq: 5737 steps,
// 5738 loops) on the FLEQ transformer (issue 12, "Speed"; target: under a minute at
// double on one core). Two measures per scalar:
//   - BM_backprop_lockstep: what `loopcert run P.fq --scalar S` does (analysis::run_lockstep
//     on compile::fleq_target: the transformer, the exact machine, a decode and a compare
//     after every loop);
//   - BM_backprop_loops: the transformer's loops alone (no decode, no machine).
// mpfr:128 times a prefix (570 steps, 10 epochs; 571 loops) and extrapolates linearly in
// loops (every loop does the same work: counter `extrapolated_s`), said so in its name.
// Run from the source tree: build/bench_fleq_backprop --benchmark_out=reports/fleq_backprop.json
#include <benchmark/benchmark.h>

#include "analysis/lockstep.hpp"
#include "compile/fleq/target.hpp"
#include "core/mpfr_real.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"
#include "fleq_setup.hpp"

using namespace loopcert;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

constexpr std::int64_t kFullSteps = 5737;   // 100 epochs
constexpr std::int64_t kPrefixSteps = 570;  // 10 epochs, for mpfr:128

fq::FleqProgram backprop() { return bench::fleq_example("icl/backprop_221.fq"); }

void lockstep(benchmark::State& state, const std::string& scalar, std::int64_t steps) {
  const fq::FleqProgram p = backprop();
  compile::FleqTargetOptions o;
  o.unit_roundoff = scalar_facts(parse_scalar(scalar)).unit_roundoff;
  o.max_steps = steps;
  const compile::LoopTarget target = compile::fleq_target(p, o);
  analysis::RunOptions run;
  run.scalar = parse_scalar(scalar);
  run.lambda = target.predict.default_lambda;
  run.max_steps = steps;
  run.track_layers = false;
  analysis::RunResult r;
  for (auto _ : state) {
    r = analysis::run_lockstep(target, run);
    benchmark::DoNotOptimize(r.loops);
  }
  if (!r.agree) state.SkipWithError("the run did not agree with the exact machine");
  state.counters["loops"] = static_cast<double>(r.loops);
  state.counters["ms_per_loop"] = benchmark::Counter(static_cast<double>(r.loops) * 1e-3, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["extrapolated_s"] = benchmark::Counter(static_cast<double>(r.loops) / static_cast<double>(kFullSteps + 1),
                                                        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <class T>
void loops_only(benchmark::State& state, double u, std::int64_t loops) {
  const fq::FleqProgram p = backprop();
  const cf::CompiledFleq compiled = cf::compile_fleq(p, {u});
  auto loop = bench::fleq_loop_at<T>(compiled);
  for (auto _ : state) {
    Matrix<T> X = loop.X;  // the first punchcard again
    for (std::int64_t t = 0; t < loops; ++t) loop.tf.apply_loop(X);
    benchmark::DoNotOptimize(X.data());
  }
  state.counters["loops"] = static_cast<double>(loops);
  state.counters["columns"] = compiled.layout.columns();
}

void BM_backprop_lockstep_double(benchmark::State& s) { lockstep(s, "double", kFullSteps); }
void BM_backprop_lockstep_long_double(benchmark::State& s) { lockstep(s, "long-double", kFullSteps); }
void BM_backprop_lockstep_mpfr128_prefix570(benchmark::State& s) { lockstep(s, "mpfr:128", kPrefixSteps); }
void BM_backprop_loops_double(benchmark::State& s) { loops_only<double>(s, 0x1p-53, kFullSteps + 1); }
void BM_backprop_loops_long_double(benchmark::State& s) { loops_only<long double>(s, 0x1p-64, kFullSteps + 1); }

}  // namespace

BENCHMARK(BM_backprop_lockstep_double)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_backprop_lockstep_long_double)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_backprop_lockstep_mpfr128_prefix570)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_backprop_loops_double)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_backprop_loops_long_double)->Unit(benchmark::kSecond)->Iterations(1);
