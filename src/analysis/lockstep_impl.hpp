// Template part of analysis/lockstep.hpp, instantiated per scalar family
// (lockstep_builtin.cpp, lockstep_mpfr.cpp, lockstep_exact.cpp, lockstep_float128.cpp,
// lockstep_emulated*.cpp, lockstep_narrow.cpp).
//
// The ideal reference
// -------------------
// The per-layer errors compare X after every layer with the *ideal* intermediate
// punchcard I: the construction evaluated exactly, with hardmax attention (lambda =
// infinity), from the same X0. Running instantiate<Rational> for it would cost a
// rational transformer next to every run (tens of times the run itself). Instead I is
// computed by the same LoopSpec at *double* with hardmax attention, which is exact here:
// every weight and bias is a dyadic rational of at most N + 1 <= 53 significant bits
// (proofs/README.md, "What is exact in binary floating point"), the state is +-1/0, so
// every score is a small integer, every hardmax weight is 1 or 1/2 (the write's tie),
// every hidden unit a multiple of 1/2 below 2^(N+1) and every output an integer below
// 2^(N+2): all representable in double, so no operation rounds and the double run *is*
// the rational run. The run checks it as it goes: I must equal enc(state) after every
// loop (RunResult::reference_exact), and tests/test_precision_analysis.cpp compares it
// entry by entry with instantiate<Rational> on the examples.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <type_traits>

#include "analysis/lockstep.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/mpfr_real.hpp"
#include "isa/subleq/machine.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

namespace detail {

// Largest |X - enc(state)| over the rows that carry machine state: memory cells and
// the pc (DESIGN.md section 8). The difference is taken in T, then converted, so that
// drifts far below double's resolution (mpfr:200) are still seen.
template <class T>
double drift(const Layout& layout, const isa::SubleqProgram& program, const Matrix<T>& X, const isa::MachineState& ref) {
  double worst = 0;
  const RowBlock& mem = layout.block("mem");
  for (int m = 0; m < program.cells(); ++m) {
    const auto bits = compile::integer_bits(ref.memory[m], program.bits);
    const int col = program.memory_column(m);
    for (int k = 0; k < mem.size; ++k)
      worst = std::max(worst, std::abs(ScalarTraits<T>::to_double(T(X(mem.row(k), col) - T(bits[k])))));
  }
  if (ref.pc >= 0 && ref.pc < program.command_count()) {
    const RowBlock& pc = layout.block("pc");
    const auto code = compile::position_code(program.command_column(ref.pc), pc.size);
    for (int k = 0; k < pc.size; ++k)
      worst = std::max(worst, std::abs(ScalarTraits<T>::to_double(T(X(pc.row(k), layout.scratch().begin) - T(code[k])))));
  }
  return std::isnan(worst) ? INFINITY : worst;
}

template <class T>
Matrix<double> to_double_matrix(const Matrix<T>& X) {
  Matrix<double> out(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) out(i, j) = ScalarTraits<T>::to_double(X(i, j));
  return out;
}

inline std::string cell_name(const isa::SubleqProgram& p, int cell) { return p.cell_names.at(cell); }

// |x - ideal| for an exact double `ideal`, +inf for NaN. Taken in T where T is wider
// than double (long double, float128, MPFR, rationals), so tiny errors are still seen.
template <class T>
double abs_error(const T& x, double ideal) {
  double e;
  if constexpr (std::is_same_v<T, MpfrReal>) {
    thread_local MpfrReal scratch;
    mpfr_set_prec(scratch.raw(), std::max<long>(x.precision(), 53) + 2);
    mpfr_sub_d(scratch.raw(), x.raw(), ideal, MPFR_RNDN);
    e = std::abs(mpfr_get_d(scratch.raw(), MPFR_RNDN));
  } else if constexpr (std::is_same_v<T, Rational>) {
    // Fast exact path for integers (almost every entry), no allocation.
    const auto* q = x.backend().data();
    if (mpz_cmp_ui(mpq_denref(q), 1) == 0 && mpz_fits_slong_p(mpq_numref(q)) && ideal == std::trunc(ideal) && std::abs(ideal) < 0x1p62)
      e = std::abs(static_cast<double>(mpz_get_si(mpq_numref(q)) - static_cast<long>(ideal)));
    else
      e = std::abs(loopcert::to_double(Rational(x - Rational(ideal))));
  } else if constexpr (std::is_same_v<T, long double> || std::is_same_v<T, Float128>) {
    e = std::abs(ScalarTraits<T>::to_double(T(x - T(ideal))));
  } else if constexpr (requires { x.value(); }) {
    e = static_cast<double>(std::abs(static_cast<long double>(x.value()) - ideal));  // emulated formats, MPFR emulations
  } else {
    e = std::abs(ScalarTraits<T>::to_double(x) - ideal);  // float, double: exact enough
  }
  return std::isnan(e) ? INFINITY : e;
}

// out = the exact value of x (out has enough precision for every T but MPFR above 256).
template <class T>
void set_mpfr(mpfr_ptr out, const T& x) {
  if constexpr (std::is_same_v<T, MpfrReal>) {
    mpfr_set(out, x.raw(), MPFR_RNDN);
  } else if constexpr (std::is_same_v<T, Rational>) {
    mpfr_set_q(out, x.backend().data(), MPFR_RNDN);
  } else if constexpr (std::is_same_v<T, long double>) {
    mpfr_set_ld(out, x, MPFR_RNDN);
  } else if constexpr (std::is_same_v<T, Float128>) {
    // Three doubles hold all 113 bits: x = d1 + d2 + d3 exactly.
    const double d1 = static_cast<double>(x);
    const Float128 r1 = x - Float128(d1);
    const double d2 = static_cast<double>(r1);
    const double d3 = static_cast<double>(Float128(r1 - Float128(d2)));
    mpfr_set_d(out, d1, MPFR_RNDN);
    mpfr_add_d(out, out, d2, MPFR_RNDN);
    mpfr_add_d(out, out, d3, MPFR_RNDN);
  } else if constexpr (requires { x.value(); }) {
    mpfr_set_ld(out, static_cast<long double>(x.value()), MPFR_RNDN);  // emulated formats, MPFR emulations: exact
  } else {
    mpfr_set_d(out, ScalarTraits<T>::to_double(x), MPFR_RNDN);  // float, double: exact
  }
}

// Rows each layer writes: the value rows of its heads, the W2 rows and the b2 rows.
inline std::vector<std::vector<int>> written_rows(const LoopSpec& loop) {
  std::vector<std::vector<int>> out;
  for (const auto& layer : loop.layers) {
    std::set<int> rows;
    for (const auto& h : layer.heads)
      for (const auto& e : h.value.entries) rows.insert(e.row);
    for (const auto& e : layer.ffn.w2.entries) rows.insert(e.row);
    for (const auto& [row, b] : layer.ffn.b2) rows.insert(row);
    out.emplace_back(rows.begin(), rows.end());
  }
  return out;
}

template <class T>
LayerError layer_error(const Matrix<T>& X, const Matrix<double>& I, const std::vector<int>& rows) {
  LayerError out;
  const Eigen::Index n = X.cols();
  for (int r : rows)
    for (Eigen::Index j = 0; j < n; ++j) {
      const double e = abs_error(X(r, j), I(r, j));
      if (e > out.error || out.row < 0) {
        out.error = e;
        out.row = r;
        out.column = static_cast<int>(j);
      }
    }
  return out;
}

// The state entries in a fixed order: mem rows on the memory columns, then pc on the work column.
template <class Fn>
void for_state_entries(const Layout& layout, const isa::SubleqProgram& program, Fn&& fn) {
  const RowBlock& mem = layout.block("mem");
  for (int m = 0; m < program.cells(); ++m)
    for (int k = 0; k < mem.size; ++k) fn(mem.row(k), program.memory_column(m));
  const RowBlock& pc = layout.block("pc");
  for (int k = 0; k < pc.size; ++k) fn(pc.row(k), layout.scratch().begin);
}

inline Divergence divergence(std::int64_t loop, std::string field, std::string expected, std::string actual, std::string detail) {
  Divergence d;
  d.loop = loop;
  d.field = std::move(field);
  d.expected = std::move(expected);
  d.actual = std::move(actual);
  d.detail = std::move(detail);
  return d;
}

inline std::string block_of(const std::string& row) {
  const auto bracket = row.find('[');
  return bracket == std::string::npos ? row : row.substr(0, bracket);
}

}  // namespace detail

template <class T>
RunResult run_lockstep_t(const isa::SubleqProgram& program, const RunOptions& options, AttentionMode mode) {
  const auto started = std::chrono::steady_clock::now();
  std::shared_ptr<const compile::CompiledSubleq> compiled_ptr = options.compiled;
  if (!compiled_ptr) compiled_ptr = std::make_shared<compile::CompiledSubleq>(compile::compile_subleq(program, options.params));
  const compile::CompiledSubleq& compiled = *compiled_ptr;
  LoopedTransformer<T> tf = instantiate<T>(compiled.loop, mode);
  Matrix<T> X = to_scalar<T>(compiled.X0);
  const Layout& layout = compiled.layout;
  const int layer_count = tf.layer_count();

  RunResult result;
  result.scalar = options.scalar.name();
  result.lambda = options.params.lambda.str();
  result.lambda_value = to_double(options.params.lambda);
  result.layers = static_cast<int>(compiled.loop.layers.size());
  result.heads = compiled.loop.head_count();
  result.max_heads_per_layer = compiled.loop.max_heads_per_layer();
  result.rows = layout.rows();
  result.columns = layout.columns();
  result.hidden_units = compiled.loop.hidden_units();

  // Layer tracking against the ideal (hardmax, exact in double) punchcards.
  const bool track = options.track_layers;
  std::optional<LoopedTransformer<double>> ideal_tf;
  Matrix<double> I;
  std::vector<std::vector<int>> written;
  struct PeakAt {
    double error = -1;
    std::int64_t loop = 0;
    int row = -1, column = -1;
  };
  std::vector<PeakAt> peaks;
  if (track) {
    ideal_tf.emplace(instantiate<double>(compiled.loop, AttentionMode::Hardmax));
    I = to_scalar<double>(compiled.X0);
    written = detail::written_rows(compiled.loop);
    peaks.resize(layer_count);
    result.layers_tracked = true;
    for (int l = 0; l < layer_count; ++l) result.layer_names.push_back(compiled.loop.layers[l].name);
  }
  std::vector<LayerError> errs(track ? layer_count : 0);

  // Decomposition: the same loop at mpfr:256, stepped beside X layer by layer.
  std::optional<LoopedTransformer<MpfrReal>> high_tf;
  Matrix<MpfrReal> H;
  std::optional<RunResult::Parts> parts;
  if (options.decompose) {
    MpfrPrecisionScope scope(256);
    high_tf.emplace(instantiate<MpfrReal>(compiled.loop, AttentionMode::Softmax));
    H = to_scalar<MpfrReal>(compiled.X0);
    parts.emplace();
    parts->temperature_layers.assign(layer_count, 0);
    parts->rounding_layers.assign(layer_count, 0);
    if (written.empty()) written = detail::written_rows(compiled.loop);
  }
  mpfr_t diff;
  mpfr_init2(diff, 320);
  auto rounding_error = [&](const T& x, const MpfrReal& h) {
    detail::set_mpfr(diff, x);
    mpfr_sub(diff, diff, h.raw(), MPFR_RNDN);
    const double e = std::abs(mpfr_get_d(diff, MPFR_RNDN));
    return std::isnan(e) ? INFINITY : e;
  };

  isa::MachineState ref = isa::initial_state(program);
  bool past_halt = false;  // the extra loop after the halt has run
  while (true) {
    if (ref.halted) {
      if (past_halt) break;
      past_halt = true;
    } else if (result.steps >= options.max_steps) {
      break;
    }
    const isa::MachineState before = ref;
    // One loop, checking for overflow after every layer.
    for (auto& e : errs) e = LayerError{};
    for (int l = 0; l < layer_count; ++l) {
      tf.apply_layer(l, X);
      if (track) {
        ideal_tf->apply_layer(l, I);
        errs[l] = detail::layer_error(X, I, written[l]);
      }
      if (high_tf) {
        {
          MpfrPrecisionScope scope(256);
          high_tf->apply_layer(l, H);
        }
        double& temperature = parts->temperature_layers[l];
        double& rounding = parts->rounding_layers[l];
        for (int r : written[l])
          for (Eigen::Index j = 0; j < X.cols(); ++j) {
            if (track) temperature = std::max(temperature, detail::abs_error(H(r, j), I(r, j)));
            rounding = std::max(rounding, rounding_error(X(r, j), H(r, j)));
          }
      }
      if (auto bad = LoopedTransformer<T>::find_non_finite(X)) {
        result.agree = false;
        const std::string row = layout.describe_row(bad->row);
        Divergence d = detail::divergence(result.loops + 1, "non-finite", "finite", std::to_string(bad->value),
                     "layer " + tf.layer(l).name + ", row " + row + ", column " + layout.describe_column(bad->column));
        d.layer = tf.layer(l).name;
        d.quantity = row;
        result.first_divergence = d;
        if (track) {
          errs[l] = LayerError{INFINITY, bad->row, bad->column};
          result.divergence_layers.assign(errs.begin(), errs.begin() + l + 1);
        }
        break;
      }
    }
    ++result.loops;
    if (track) {
      for (int l = 0; l < layer_count; ++l)
        if (errs[l].row >= 0 && errs[l].error > peaks[l].error) peaks[l] = {errs[l].error, result.loops, errs[l].row, errs[l].column};
    }
    if (!result.agree) {
      if (options.trace && before.pc >= 0 && before.pc < program.command_count()) {
        const auto& cmd = program.commands.at(before.pc);
        result.trace.push_back({result.loops, before.pc, cmd.a, cmd.b, cmd.c, isa::step(program, before).memory[cmd.b], INFINITY,
                                -INFINITY, errs});
      }
      result.final_drift = INFINITY;  // max_drift keeps the largest finite drift before it
      break;
    }
    if (!ref.halted) {
      ref = isa::step(program, ref);
      ++result.steps;
    }
    const double d = detail::drift(layout, program, X, ref);
    result.final_drift = d;
    if (d > result.max_drift || result.max_drift_loop == 0) {
      result.max_drift = d;
      result.max_drift_loop = result.loops;
      if (track) {
        int worst = 0;
        for (int l = 1; l < layer_count; ++l)
          if (errs[l].error > errs[worst].error) worst = l;
        result.max_drift_layer = result.layer_names[worst];
      }
    }
    if (track && result.reference_exact && detail::drift(layout, program, I, ref) != 0) result.reference_exact = false;
    if (options.trace && before.pc >= 0 && before.pc < program.command_count()) {
      const auto& cmd = program.commands.at(before.pc);
      result.trace.push_back({result.loops, before.pc, cmd.a, cmd.b, cmd.c, ref.memory[cmd.b], d, options.tolerance - d, errs});
    }
    if (parts) {
      {
        MpfrPrecisionScope scope(256);
        const double t = detail::drift(layout, program, H, ref);
        parts->temperature_final = t;
        parts->temperature_max = std::max(parts->temperature_max, t);
        if (parts->high_agrees) {
          const compile::DecodedState h = compile::decode(layout, program, detail::to_double_matrix(H), options.tolerance);
          parts->high_agrees = !h.invalid && h.pc == ref.pc && h.memory == ref.memory;
        }
      }
      double worst = 0;
      detail::for_state_entries(layout, program, [&](int r, int c) { worst = std::max(worst, rounding_error(X(r, c), H(r, c))); });
      parts->rounding_final = worst;
      if (worst > parts->rounding_max || parts->rounding_max_loop == 0) {
        parts->rounding_max = worst;
        parts->rounding_max_loop = result.loops;
      }
    }
    // Compare the decoded state with the reference.
    const compile::DecodedState got = compile::decode(layout, program, detail::to_double_matrix(X), options.tolerance);
    std::optional<Divergence> div;
    if (ref.pc < 0 || ref.pc >= program.command_count()) {
      div = detail::divergence(result.loops, "pc", "past the last command", std::to_string(got.pc),
                       "the program fell past its last command: it has no halt there, and the transformer no command "
                       "column (end the program with a halt)");
    } else if (got.invalid) {
      div = detail::divergence(result.loops, "invalid", "+-1 within " + std::to_string(options.tolerance), std::to_string(got.invalid->value),
                       got.invalid->where);
    } else if (got.pc != ref.pc) {
      div = detail::divergence(result.loops, "pc", std::to_string(ref.pc), std::to_string(got.pc), "");
    } else {
      for (int m = 0; m < program.cells() && !div; ++m)
        if (got.memory[m] != ref.memory[m])
          div = detail::divergence(result.loops, "mem[" + detail::cell_name(program, m) + "]", std::to_string(ref.memory[m]),
                           std::to_string(got.memory[m]), "");
    }
    result.memory = got.invalid ? ref.memory : got.memory;
    if (div) {
      // Which layer broke: the first whose error exceeds the tolerance, else the largest.
      if (track) {
        int at = -1;
        for (int l = 0; l < layer_count && at < 0; ++l)
          if (errs[l].error > options.tolerance) at = l;
        if (at < 0) {
          at = 0;
          for (int l = 1; l < layer_count; ++l)
            if (errs[l].error > errs[at].error) at = l;
        }
        div->layer = result.layer_names[at];
        result.divergence_layers = errs;
        if (errs[at].row >= 0) div->quantity = layout.describe_row(errs[at].row);
      }
      result.agree = false;
      result.first_divergence = div;
      break;
    }
    if (options.progress && result.loops % 1000 == 0) options.progress(result.loops, options.max_steps);
  }
  mpfr_clear(diff);
  if (result.memory.empty()) result.memory = ref.memory;
  result.halted = ref.halted;
  if (track) {
    for (int l = 0; l < layer_count; ++l) {
      LayerPeak p;
      p.layer = result.layer_names[l];
      p.index = l;
      if (peaks[l].row >= 0) {
        p.error = peaks[l].error;
        p.loop = peaks[l].loop;
        p.row = layout.describe_row(peaks[l].row);
        p.column = layout.describe_column(peaks[l].column);
      }
      if (p.error > result.peak.error || result.peak.index < 0) result.peak = p;
      result.layer_peaks.push_back(std::move(p));
    }
  }
  result.parts = parts;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace loopcert::analysis
