// The FLEQ programs' floors, measured and predicted (README "FLEQ programs: floors,
// measured and predicted"; scripts/fleq_floor_table.py turns this benchmark's JSON into
// the README table). One benchmark per (program, scalar), one iteration each:
//   - measured: the transformer at the scalar in lockstep with the ideal exact machine,
//     the final error max |x - x*| / max(1, |x*|) over every real entry, read exactly off
//     the punchcard (the scalar's value as an exact sum of doubles);
//   - predicted: analysis::predict_fleq_floor at the scalar's unit roundoff (the FLEQ
//     bounds per instruction times the exact machine's response), and what limits it.
// Counters: loops, measured (-1: the run diverged or the compiler refused; the label
// says why), predicted, amplification, product_C_log2, read_lambda.
// Sweeps at double, the arithmetic double's throughout:
//   - `sweep/P/double/u=2^-K`: the weights compiled for another unit roundoff, so the
//     products' C (C ~ u^(-1/3)) and the addressing temperature (~ ln(1/u)) move together;
//   - `sweep_c/P/double/step=K`: the products' C set to 2^K times the compiler's
//     (compile::fleq::ConstantOverrides::product_c_log2, `run --product-c`), the
//     temperatures the compiler's;
//   - `sweep_lambda/P/double/step=D`: the read temperature set to the compiler's + D
//     (ConstantOverrides::lambda, `run --lambda`; the write's moves with it), C the compiler's.
//   The prediction is made for the same constants (the same compiled program).
// backprop_221 runs its first 570 steps (10 epochs) everywhere but at double, float and
// long double (all 5737): the label says which.
// Run from the source tree: build/bench_fleq_floors --benchmark_out=reports/fleq_floors.json
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "analysis/fleq_floor.hpp"
#include "compile/fleq/compiler.hpp"
#include "core/mpfr_real.hpp"
#include "core/scalar_dispatch.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"
#include "fleq_setup.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

// x as an exact rational: MPFR's own, or a sum of doubles (each the remainder rounded to
// double: exact for long double and float128, whose remainders are representable).
template <class T>
Rational exact_value(T x) {
  if constexpr (std::is_same_v<T, MpfrReal>) {
    mpq_t q;
    mpq_init(q);
    mpfr_get_q(q, x.raw());
    Rational r(q);
    mpq_clear(q);
    return r;
  } else {
    Rational sum = 0;
    for (int i = 0; i < 8; ++i) {
      const double d = static_cast<double>(x);
      if (d == 0 || !std::isfinite(d)) break;
      sum += Rational(d);
      x = x - T(d);
    }
    return sum;
  }
}

struct Measured {
  std::int64_t loops = 0;
  double error = -1;  // -1: no final error (the controller diverged)
  std::string why;
};

// The transformer beside the ideal machine; the controller is compared after every loop.
template <class T>
Measured measure(const fq::FleqProgram& p, const cf::CompiledFleq& c, std::int64_t max_steps) {
  const fq::RunResult ref = fq::run_fleq_machine(p, max_steps, {}, true);
  Measured m;
  if (ref.error) return m.why = "the machine left its domain", m;
  auto [tf, X] = bench::fleq_loop_at<T>(c);
  const std::int64_t loops = ref.halted ? ref.steps + 1 : ref.steps;
  Matrix<double> D(X.rows(), X.cols());
  for (std::int64_t t = 1; t <= loops; ++t) {
    tf.apply_loop(X);
    ++m.loops;
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      for (Eigen::Index j = 0; j < X.cols(); ++j) D(i, j) = static_cast<double>(X(i, j));
    const cf::DecodedFleq got = cf::decode(c.layout, p, D);
    const fq::MachineState& want = ref.states[static_cast<std::size_t>(std::min(t, ref.steps))];
    bool same = !got.invalid && got.pc == want.pc;
    for (int k = 0; same && k < p.cell_count(); ++k)
      if (p.cells[k].kind == fq::CellKind::integer) same = Rational(*got.cells[k].integer) == want.cells[k].entries[0];
    if (!same) return m.why = "controller diverged at loop " + std::to_string(t), m;
  }
  double worst = 0;
  const fq::MachineState& want = ref.final_state();
  for (int k = 0; k < p.cell_count(); ++k) {
    if (p.cells[k].kind != fq::CellKind::real) continue;
    for (int r = 0; r < p.cells[k].shape.rows; ++r)
      for (int t = 0; t < p.cells[k].shape.cols; ++t) {
        const Rational& x = want.cells[k].at(r, t);
        const Rational e = abs(exact_value(X(c.layout.row("val", r), c.geometry.cell_column(k, t))) - x);
        worst = std::max(worst, to_double(e) / std::max(1.0, std::abs(to_double(x))));
      }
  }
  m.error = worst;
  return m;
}

// What a benchmark sets of the weights beyond its scalar (the sweeps above).
struct Variant {
  double compile_u = 0;                 // the weights' unit roundoff (0: the scalar's)
  std::optional<int> c_step;            // C = 2^step times the compiler's
  std::optional<Rational> lambda_step;  // the read temperature = the compiler's + step
};

// The compile options of a variant: the compiler's constants at u, then the steps from them.
cf::CompileOptions variant_options(const fq::FleqProgram& p, double u, const Variant& v) {
  cf::CompileOptions o;
  o.unit_roundoff = u;
  if (!v.c_step && !v.lambda_step) return o;
  const cf::FleqConstants base = cf::compile_fleq(p, o).constants;
  if (v.c_step) o.overrides.product_c_log2 = base.product_scale_log2 + *v.c_step;
  if (v.lambda_step) o.overrides.lambda = base.read_lambda + *v.lambda_step;
  return o;
}

void floor_benchmark(benchmark::State& state, const std::string& program, const std::string& scalar, const Variant& v) {
  const fq::FleqProgram p = bench::fleq_example(program);
  const ScalarSpec spec = parse_scalar(scalar);
  const bool prefix = program == "icl/backprop_221.fq" && scalar != "double" && scalar != "float" && scalar != "long-double";
  const std::int64_t max_steps = prefix ? 570 : 100000;
  const double u = v.compile_u > 0 ? v.compile_u : scalar_facts(spec).unit_roundoff;
  std::string label = prefix ? "570 steps" : "all steps";
  Measured m;
  analysis::FleqFloor f;
  std::optional<cf::CompiledFleq> c;
  std::string refused;
  for (auto _ : state) {
    try {
      c = cf::compile_fleq(p, variant_options(p, u, v));
    } catch (const std::exception& e) {
      refused = e.what();
      continue;
    }
    m = dispatch_scalar(
        spec,
        [&]<class T>(ScalarTag<T>) {
          if constexpr (std::is_same_v<T, Rational>) return Measured{0, -1, "exact arithmetic has no sigmoid"};
          else return measure<T>(p, *c, max_steps);
        },
        {false, nullptr});
    f = analysis::predict_fleq_floor(p, *c, {max_steps, scalar_facts(spec).unit_roundoff, 1});
  }
  if (!refused.empty()) {
    state.SetLabel(label + "; refused: " + refused);
    state.counters["measured"] = -1;
    return;
  }
  state.counters["loops"] = static_cast<double>(m.loops);
  state.counters["measured"] = m.error;
  state.counters["predicted"] = std::isfinite(f.predicted) ? f.predicted : -1;
  state.counters["amplification"] = f.amplification;
  state.counters["largest_bound"] = f.largest_bound;
  state.counters["product_C_log2"] = c->constants.product_scale_log2;
  state.counters["matmul_C_log2"] = c->constants.matmul_scale_log2;
  state.counters["read_lambda"] = to_double(c->constants.read_lambda);
  state.counters["write_lambda"] = to_double(c->constants.write_lambda);
  state.SetLabel(label + "; limit=" + analysis::floor_channel_name(f.limit) + (m.why.empty() ? "" : "; " + m.why) +
                 (f.reason.empty() ? "" : "; prediction: " + f.reason));
}

std::vector<std::string> split(const char* env, const std::string& fallback) {
  std::stringstream s(env ? env : fallback);
  std::vector<std::string> out;
  for (std::string item; std::getline(s, item, ',');) out.push_back(item);
  return out;
}

// The sweeps' steps: C / 4 .. 4 C, and the read temperature from 12 below the compiler's
// (where the leak, about 2 (n - 1) e^(-2 lambda) G, passes the products' floor) to 4 above.
constexpr int kCSteps[] = {-2, -1, 0, 1, 2};
constexpr int kLambdaSteps[] = {-12, -8, -4, -2, 0, 4};

// LOOPCERT_FLOOR_PROGRAMS / LOOPCERT_FLOOR_SCALARS (comma-separated) narrow the table.
const bool registered = [] {
  const auto programs = split(std::getenv("LOOPCERT_FLOOR_PROGRAMS"),
                              "calc/arith.fq,calc/exp_sigmoid.fq,calc/functions.fq,calc/roots.fq,calc/expression.fq,linalg/products.fq,"
                              "linalg/newton_a3.fq,linalg/newton_a4.fq,linalg/newton_spd4.fq,linalg/newton_hilbert3.fq,linalg/power_s3.fq,"
                              "linalg/power_sym4.fq,icl/sgd_linear.fq,icl/gd_fullbatch.fq,icl/backprop_221.fq");
  const auto scalars = split(std::getenv("LOOPCERT_FLOOR_SCALARS"), "float,double,long-double,float128,mpfr:24,mpfr:32,mpfr:64,mpfr:128,mpfr:256,bf16,fp16,tf32");
  for (const auto& program : programs) {
    for (const auto& scalar : scalars)
      benchmark::RegisterBenchmark(("floor/" + program + "/" + scalar).c_str(), [=](benchmark::State& s) { floor_benchmark(s, program, scalar, {}); })
          ->Iterations(1)->Unit(benchmark::kSecond);
    if (program == "icl/backprop_221.fq") continue;
    auto sweep = [&](const std::string& name, const Variant& v) {
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) { floor_benchmark(s, program, "double", v); })
          ->Iterations(1)->Unit(benchmark::kSecond);
    };
    for (int k : {40, 46, 60, 64}) sweep("sweep/" + program + "/double/u=2^-" + std::to_string(k), {std::ldexp(1.0, -k), {}, {}});
    for (int k : kCSteps) sweep("sweep_c/" + program + "/double/step=" + std::to_string(k), {0, k, {}});
    for (int d : kLambdaSteps) sweep("sweep_lambda/" + program + "/double/step=" + std::to_string(d), {0, {}, Rational(d)});
  }
  return true;
}();

}  // namespace
