// What `loopcert run` costs per loop, against the bare loop and the authors' figures
// (issue 14: "loopcert run, tracking included, at least 50x faster per loop than the
// authors' loop at n = 256 and n = 1024").
//
// The program is bench/engine_setup.hpp's for the layout (s, m, n, N) = (n/4, n/4, n, 8),
// compiled once outside the timing, run at double through analysis::run_lockstep with
// the run's default temperature, as `loopcert run` does: per-layer tracking against
// the hardmax ideal on (`run`) or off (`untracked`, as the searches run), and the
// bare transformer loop of the same LoopSpec at the same temperature (`bare`).
// Counters of every row:
//   loop_ms       CPU time of the benchmark's thread per loop (run, untracked: the
//                 difference of two runs of different lengths, so without the setup)
//   setup_ms      run, untracked: the run's fixed cost
//   loops         loops per run (the random program does not halt: --max-steps)
//   agree         1 if the run agreed with the reference machine at every loop
//   authors_ms    the authors' numpy loop on OpenBLAS, measured on this machine kind (issue 14)
//   authors_x     authors_ms / loop_ms
// Run: build/bench_engine_run
#include <benchmark/benchmark.h>

#include "core/emulated_float.hpp"  // first: see core/scalar.hpp
// Then the rest.
#include "engine_setup.hpp"
#include "analysis/lockstep.hpp"
#include "compile/subleq/target.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

using bench::authors_ms;
using bench::thread_seconds;

struct Setup {
  isa::SubleqProgram program;
  compile::LoopTarget target;
  analysis::RunOptions options;
};

Setup setup(int n, bool track) {
  Setup s{bench::engine_program(n), {}, {}};
  s.target = compile::subleq_target(s.program, {});
  s.options.scalar = parse_scalar("double");
  s.options.lambda = s.target.predict.default_lambda;
  s.options.track_layers = track;
  s.options.max_steps = n >= 1024 ? 40 : 200;
  return s;
}

void set_counters(benchmark::State& state, int n, double seconds, double loops) {
  const double per_loop_ms = seconds / loops * 1e3;
  state.counters["loop_ms"] = per_loop_ms;
  state.counters["authors_ms"] = authors_ms(n);
  state.counters["authors_x"] = authors_ms(n) / per_loop_ms;
}

// Each iteration runs the program twice, for max_steps and for max_steps / 5 loops: the
// difference is the per-loop cost, without the run's setup (its transformers and first
// punchcards built from the LoopSpec's rationals), which is reported apart.
void run_benchmark(benchmark::State& state, bool track) {
  const int n = static_cast<int>(state.range(0));
  Setup s = setup(n, track);
  analysis::RunOptions short_run = s.options;
  short_run.max_steps = s.options.max_steps / 5;
  double cpu_long = 0, cpu_short = 0, loops_long = 0, loops_short = 0;
  bool agree = true;
  for (auto _ : state) {
    double start = thread_seconds();
    const auto r = analysis::run_lockstep(s.target, s.options);
    cpu_long += thread_seconds() - start;
    start = thread_seconds();
    const auto q = analysis::run_lockstep(s.target, short_run);
    cpu_short += thread_seconds() - start;
    loops_long += static_cast<double>(r.loops);
    loops_short += static_cast<double>(q.loops);
    agree = agree && r.agree && q.agree;
  }
  const double per_loop = (cpu_long - cpu_short) / (loops_long - loops_short);
  set_counters(state, n, per_loop, 1);
  state.counters["setup_ms"] = (cpu_short - per_loop * loops_short) / static_cast<double>(state.iterations()) * 1e3;
  state.counters["loops"] = loops_long / static_cast<double>(state.iterations());
  state.counters["agree"] = agree;
}

void BM_run(benchmark::State& state) { run_benchmark(state, true); }
void BM_untracked(benchmark::State& state) { run_benchmark(state, false); }

void BM_bare(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Setup s = setup(n, true);
  const auto& compiled = *s.target.compiled;
  auto tf = instantiate<double>(compiled.loop, AttentionMode::Softmax, s.options.lambda);
  Matrix<double> X = to_scalar<double>(compiled.X0);
  double cpu = 0;
  for (auto _ : state) {
    const double start = thread_seconds();
    tf.apply_loop(X);
    cpu += thread_seconds() - start;
    benchmark::DoNotOptimize(X.data());
  }
  set_counters(state, n, cpu, static_cast<double>(state.iterations()));
}

}  // namespace

BENCHMARK(BM_bare)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_untracked)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_run)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
