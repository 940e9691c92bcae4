// Template part of analysis/lemma_checks.hpp, instantiated per scalar family.
#pragma once
#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "bounds/subleq_loop.hpp"
#include "analysis/lemma_checks.hpp"
#include "blocks/branch.hpp"
#include "blocks/correct.hpp"
#include "blocks/flag.hpp"
#include "blocks/increment.hpp"
#include "blocks/read.hpp"
#include "blocks/subtract.hpp"
#include "blocks/write.hpp"
#include "compile/subleq/compiler.hpp"
#include "isa/subleq/twos_complement.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

namespace detail {

// Everything one trial needs: a random program's layout and ideal punchcard, and the
// random source for inputs and noise.
struct TrialSetup {
  std::mt19937_64 rng;
  isa::SubleqProgram program;
  Layout layout{1, 1, 1};
  Matrix<Rational> X;  // the block's input, exact
  blocks::BlockParams params;
  Rational delta = 0;
  int work = 0;

  explicit TrialSetup(std::uint64_t seed) : rng(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  // An ideal value plus noise uniform on a grid of [-delta, delta] (exact rationals).
  Rational noisy(const Rational& ideal) { return ideal + delta * Rational(uniform(-512, 512), 512); }
  void put_bits(const std::string& block, int column, const std::vector<int>& bits, bool noise = true) {
    const RowBlock& b = layout.block(block);
    for (int k = 0; k < b.size; ++k) X(b.row(k), column) = noise ? noisy(bits[k]) : Rational(bits[k]);
  }
  std::int64_t random_value(int bits) {
    const std::int64_t lo = isa::min_signed(bits), hi = isa::max_signed(bits);
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  }
};

inline TrialSetup make_setup(std::uint64_t seed, int max_bits) {
  TrialSetup s(seed);
  auto& p = s.program;
  p.bits = s.uniform(2, max_bits);
  p.scratch = s.uniform(1, 3);
  const int m = s.uniform(1, 12), cmds = s.uniform(1, 12);
  for (int i = 0; i < m; ++i) {
    p.cell_names.push_back("c" + std::to_string(i));
    p.memory.push_back(s.random_value(p.bits));
  }
  for (int j = 0; j < cmds; ++j) p.commands.push_back({s.uniform(0, m - 1), s.uniform(0, m - 1), s.uniform(0, cmds - 1), 0});
  s.layout = compile::subleq_layout(p);
  s.X = compile::encode(s.layout, p, s.uniform(0, cmds - 1), p.memory);
  s.work = s.layout.scratch().begin;
  return s;
}

// |got - ideal|; a non-finite output counts as an infinite error (never dropped by max).
template <class T>
double err(const T& got, const Rational& ideal) {
  const double e = std::abs(ScalarTraits<T>::to_double(T(got - ScalarTraits<T>::from_rational(ideal))));
  return std::isnan(e) ? INFINITY : e;
}

// Largest |Y - ideal| over the rows of `block` at `column`.
template <class T>
double block_error(const Layout& layout, const Matrix<T>& Y, const std::string& block, int column, const std::vector<int>& ideal) {
  const RowBlock& b = layout.block(block);
  double worst = 0;
  for (int k = 0; k < b.size; ++k) worst = std::max(worst, err(Y(b.row(k), column), Rational(ideal[k])));
  return worst;
}

// Largest |Y| over the rows of `block` on every column except `skip`.
template <class T>
double block_residue(const Layout& layout, const Matrix<T>& Y, const std::string& block, int skip) {
  const RowBlock& b = layout.block(block);
  double worst = 0;
  for (int k = 0; k < b.size; ++k)
    for (int j = 0; j < Y.cols(); ++j)
      if (j != skip) worst = std::max(worst, err(Y(b.row(k), j), Rational(0)));
  return worst;
}

template <class T>
Matrix<T> apply(const LayerSpec& spec, const Matrix<Rational>& X, AttentionMode mode, int d) {
  LoopedTransformer<T> tf = instantiate<T>(LoopSpec{d, {spec}}, mode);
  Matrix<T> Y = to_scalar<T>(X);
  tf.apply_layer(0, Y);
  return Y;
}

inline LayerSpec attention_only(const LayerSpec& spec) {
  LayerSpec a(spec.name + " (attention)", spec.d);
  a.lambda = spec.lambda;
  a.heads = spec.heads;
  return a;
}

inline void sabotage(LayerSpec& spec, Sabotage how) {
  if (how == Sabotage::DoubleFirstOutputWeight && !spec.ffn.w2.entries.empty()) spec.ffn.w2.entries.front().value *= 2;
}

}  // namespace detail

template <class T>
LemmaTrial run_lemma_trial_t(const std::string& lemma, const ScalarSpec& scalar, std::uint64_t seed, const LemmaSettings& settings,
                             AttentionMode mode) {
  using namespace detail;
  TrialSetup s = make_setup(seed, lemma == "subtract" || lemma == "flag" ? 16 : 10);
  const Layout& layout = s.layout;
  const int n = layout.columns(), L = layout.address_bits(), N = s.program.bits, d = layout.rows();
  const bounds::LoopConstants k = compile::loop_constants(s.params);
  s.params.lambda = parse_rational(fmt::format("{}", bounds::default_lambda(n, L, k)));
  // The bounds are evaluated at the default temperature; the LowTemperature sabotage
  // builds the block at lambda = 1/2 instead, so the claim no longer matches the weights.
  const double lambda = to_double(s.params.lambda), u = bounds::unit_roundoff(scalar);
  if (settings.sabotage == Sabotage::LowTemperature) s.params.lambda = Rational(1, 2);
  // Admissible noise per lemma (the bound's hypotheses hold below it).
  Rational delta_max;
  if (lemma == "read") delta_max = Rational(1, 8 * L);
  else if (lemma == "write") delta_max = Rational(1, 32 * L);
  else if (lemma == "increment") delta_max = pow2(-(L + 1));
  else if (lemma == "subtract") delta_max = pow2(-(N + 2));
  else if (lemma == "flag") delta_max = Rational(1, 2 * N);
  else if (lemma == "branch") delta_max = Rational(1, 8);
  else if (lemma == "correct") delta_max = s.params.threshold;
  else throw std::invalid_argument("unknown lemma '" + lemma + "' (expected one of read, write, increment, subtract, flag, branch, correct)");
  s.delta = delta_max * Rational(s.uniform(0, 64), 64) * Rational(settings.noise);
  const double delta = to_double(s.delta);

  LemmaTrial t;
  t.lemma = lemma;
  t.seed = seed;
  t.n = n;
  t.L = L;
  t.N = N;
  t.lambda = lambda;
  t.delta = delta;
  const auto& p = s.program;
  auto code = [&](int column) { return compile::position_code(column, L); };

  if (lemma == "read") {
    const int cell = s.uniform(0, p.cells() - 1);
    s.put_bits("ins_a", s.work, code(p.memory_column(cell)));
    for (int m = 0; m < p.cells(); ++m) s.put_bits("mem", p.memory_column(m), compile::integer_bits(p.memory[m], N));
    LayerSpec spec = blocks::read(layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, s.params);
    sabotage(spec, settings.sabotage);
    const auto bits = compile::integer_bits(p.memory[cell], N);
    Matrix<T> A = apply<T>(attention_only(spec), s.X, mode, d);
    Matrix<T> F = apply<T>(spec, s.X, mode, d);
    const double attn = block_error(layout, A, "val_a", s.work, bits);
    const double out = std::max(block_error(layout, F, "val_a", s.work, bits), block_residue(layout, F, "val_a", s.work));
    t.exact_part = bounds::read_attention(n, L, lambda, delta);
    const double attn_bound = t.exact_part + bounds::rounding_attention(n, L, lambda, u, delta);
    const double out_bound = (attn_bound <= to_double(s.params.snap) ? 0 : bounds::kInfinity) + bounds::ffn_rounding(spec, u, 2);
    t.bound_function = "bounds::read_attention, then exact after the snap";
    if (out > out_bound) {
      t.observed = out, t.bound = out_bound;
      t.detail = "snapped copy off its bit";
    } else {
      t.observed = attn, t.bound = attn_bound;
      t.detail = fmt::format("attention copy of cell {}; snapped copy error {:.2g}", cell, out);
    }
    t.holds = attn <= attn_bound && out <= out_bound;
  } else if (lemma == "write") {
    const int cell = s.uniform(0, p.cells() - 1);
    // Under hardmax the addressed column's tie between itself and the work column is
    // exact only for an exact pointer (proofs/write.md, "Hardmax"): no pointer noise there.
    s.put_bits("ins_b", s.work, code(p.memory_column(cell)), mode == AttentionMode::Softmax);
    const std::int64_t value = s.random_value(N);
    const auto bits = compile::integer_bits(value, N);
    s.put_bits("diff", s.work, bits);
    for (int m = 0; m < p.cells(); ++m) s.put_bits("mem", p.memory_column(m), compile::integer_bits(p.memory[m], N));
    LayerSpec spec = blocks::write(layout, {"write", "ins_b", "diff", "mem", "wbuf", "whit"}, s.params);
    sabotage(spec, settings.sabotage);
    Matrix<T> F = apply<T>(spec, s.X, mode, d);
    Matrix<T> X0 = to_scalar<T>(s.X);
    const double target = block_error(layout, F, "mem", p.memory_column(cell), bits);
    double others = 0;
    const RowBlock& mem = layout.block("mem");
    for (int j = 0; j < n; ++j)
      if (j != p.memory_column(cell))
        for (int r = 0; r < mem.size; ++r)
          others = std::max(others, err(T(F(mem.row(r), j) - X0(mem.row(r), j)), Rational(0)));
    const double residue = std::max(block_residue(layout, F, "wbuf", -1), block_residue(layout, F, "whit", -1));
    const double C = to_double(s.params.write_gate);
    t.exact_part = bounds::write_output(n, L, lambda, delta, C);
    t.bound = t.exact_part + (2 * C + 2) * bounds::rounding_attention(n, L, lambda, u, delta) + bounds::ffn_rounding(spec, u, 2);
    t.bound_function = "bounds::write_output; other cells and buffers exactly unchanged/cleared";
    t.observed = target;
    t.holds = target <= t.bound && others == 0 && residue == 0;
    t.detail = fmt::format("cell {} written; other cells moved {:.2g}, buffers left {:.2g}", cell, others, residue);
    if (others != 0 || residue != 0) t.observed = std::max({target, others, residue});
  } else if (lemma == "increment" || lemma == "branch" || lemma == "subtract" || lemma == "flag") {
    LayerSpec spec;
    std::string out_block;
    std::vector<int> ideal;
    if (lemma == "increment") {
      const int column = p.command_column(s.uniform(0, p.command_count() - 1));
      s.put_bits("pc", s.work, code(column));
      spec = blocks::increment(layout, {});
      out_block = "next";
      ideal = code((column + 1) % (1 << L));
      t.exact_part = bounds::increment_output(L, delta);
      t.bound_function = "bounds::increment_output";
    } else if (lemma == "subtract") {
      const std::int64_t a = s.random_value(N), b = s.random_value(N);
      s.put_bits("val_a", s.work, compile::integer_bits(a, N));
      s.put_bits("val_b", s.work, compile::integer_bits(b, N));
      spec = blocks::subtract(layout, {});
      out_block = "diff";
      ideal = compile::integer_bits(isa::wrapping_sub(b, a, N), N);
      t.exact_part = bounds::subtract_output(N, delta);
      t.bound_function = "bounds::subtract_output";
      t.detail = fmt::format("{} - {}", b, a);
    } else if (lemma == "flag") {
      const std::int64_t v = s.uniform(0, 3) == 0 ? 0 : s.random_value(N);  // zero often: its own ReLU
      s.put_bits("diff", s.work, compile::integer_bits(v, N));
      spec = blocks::flag(layout, {});
      out_block = "flag";
      ideal = {v <= 0 ? 1 : 0};
      t.exact_part = bounds::flag_output(N, delta);
      t.bound_function = "bounds::flag_output";
      t.detail = fmt::format("value {}", v);
    } else {
      const int f = s.uniform(0, 1);
      const int c = p.command_column(s.uniform(0, p.command_count() - 1));
      const int x = p.command_column(s.uniform(0, p.command_count() - 1));
      s.X(layout.row("flag"), s.work) = s.noisy(f);
      s.put_bits("ins_c", s.work, code(c));
      s.put_bits("next", s.work, code(x));
      s.put_bits("pc", s.work, code(p.command_column(s.uniform(0, p.command_count() - 1))));
      spec = blocks::branch(layout, {});
      out_block = "pc";
      ideal = code(f ? c : x);
      t.exact_part = bounds::branch_output(delta, delta);
      t.bound_function = "bounds::branch_output";
      t.detail = f ? "taken" : "not taken";
    }
    sabotage(spec, settings.sabotage);
    Matrix<T> F = apply<T>(spec, s.X, mode, d);
    const double on_work = block_error(layout, F, out_block, s.work, ideal);
    const double elsewhere = block_residue(layout, F, out_block, s.work);
    t.observed = std::max(on_work, elsewhere);
    t.bound = t.exact_part + bounds::ffn_rounding(spec, u, 2);
    t.holds = t.observed <= t.bound;
    if (t.detail.empty()) t.detail = out_block;
  } else {  // correct
    const RowBlock& mem = layout.block("mem");
    Matrix<Rational> ideal = Matrix<Rational>::Zero(s.X.rows(), s.X.cols());
    for (int r = 0; r < mem.size; ++r)
      for (int j = 0; j < n; ++j) {
        ideal(mem.row(r), j) = s.uniform(-1, 1);
        s.X(mem.row(r), j) = s.noisy(ideal(mem.row(r), j));
      }
    LayerSpec spec = blocks::correct(layout, {"correct", {"mem"}}, s.params);
    sabotage(spec, settings.sabotage);
    Matrix<T> F = apply<T>(spec, s.X, mode, d);
    double worst = 0;
    for (int r = 0; r < mem.size; ++r)
      for (int j = 0; j < n; ++j) worst = std::max(worst, err(F(mem.row(r), j), ideal(mem.row(r), j)));
    t.exact_part = bounds::correct_output(delta, to_double(s.params.threshold));
    t.bound = t.exact_part + bounds::ffn_rounding(spec, u, 2);
    t.bound_function = "bounds::correct_output";
    t.observed = worst;
    t.holds = worst <= t.bound;
    t.detail = "every mem entry, every column";
  }
  return t;
}

}  // namespace loopcert::analysis
