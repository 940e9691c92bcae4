// Loops per second of the FLEQ transformer (issue 11, "Speed"; target: at most 5 ms per
// loop at double for punchcards of up to 512 columns), computed in full (every column's
// attention and FFN): examples/fleq/linalg/newton_a4.fq (the 4x4 Newton inverse) at
// double and mpfr:128, and a scaling series of the same program with idle 4x4 cells
// added until the punchcard has (at most) 64, 128, 256, 512 columns. The counters give
// the punchcard's rows and columns and the time per loop.
// Run from the source tree: build/bench_fleq_loop --benchmark_out=reports/fleq_loop.json
#include <benchmark/benchmark.h>

#include "compile/fleq/compiler.hpp"
#include "core/mpfr_real.hpp"
#include "fleq_setup.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

std::string newton_a4_source() { return bench::fleq_example_text("linalg/newton_a4.fq"); }

// newton_a4 with `idle` extra 4x4 cells declared before its statements (never read or
// written: they only widen the punchcard, as a larger program's memory would).
fq::FleqProgram padded_newton(int idle) {
  std::string src = newton_a4_source();
  std::string cells;
  for (int i = 0; i < idle; ++i) cells += ".real idle" + std::to_string(i) + " 4x4\n";
  const std::size_t first_statement = src.find("        T = transpose A");
  src.insert(first_statement, cells);
  return fq::assemble_fq(src, "newton_a4_idle" + std::to_string(idle) + ".fq");
}

// The most idle cells whose punchcard has at most `columns` columns.
fq::FleqProgram program_with_columns(int columns) {
  int idle = 0;
  while (cf::fleq_layout(padded_newton(idle + 1)).columns() <= columns) ++idle;
  return padded_newton(idle);
}

template <class T>
void loop_benchmark(benchmark::State& state, const fq::FleqProgram& p, double u) {
  const cf::CompiledFleq compiled = cf::compile_fleq(p, {u});
  auto loop = bench::fleq_loop_at<T>(compiled);
  for (auto _ : state) {
    loop.tf.apply_loop(loop.X);  // past the halt the punchcard is a fixed point; the work per loop is the same
    benchmark::DoNotOptimize(loop.X.data());
  }
  state.counters["loops_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rows"] = compiled.layout.rows();
  state.counters["columns"] = compiled.layout.columns();
}

void BM_fleq_newton_a4_double(benchmark::State& st) { loop_benchmark<double>(st, fq::assemble_fq(newton_a4_source(), "newton_a4.fq"), 0x1p-53); }
void BM_fleq_newton_a4_mpfr128(benchmark::State& st) {
  MpfrPrecisionScope scope(128);
  loop_benchmark<MpfrReal>(st, fq::assemble_fq(newton_a4_source(), "newton_a4.fq"), 0x1p-128);
}
void BM_fleq_columns_double(benchmark::State& st) { loop_benchmark<double>(st, program_with_columns(static_cast<int>(st.range(0))), 0x1p-53); }
void BM_fleq_columns_mpfr128(benchmark::State& st) {
  MpfrPrecisionScope scope(128);
  loop_benchmark<MpfrReal>(st, program_with_columns(static_cast<int>(st.range(0))), 0x1p-128);
}

}  // namespace

BENCHMARK(BM_fleq_newton_a4_double)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fleq_newton_a4_mpfr128)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fleq_columns_double)->Arg(64)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fleq_columns_mpfr128)->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->Iterations(3);
