// The lemma-specific rounding bounds (bounds/ffn_sums.hpp; proofs/README.md, "Rounding on the
// block's own partial sums"): the snap, correct and the two adders, each run at a low MPFR
// precision on inputs chosen to make its rounding large (every P-bit copy of the snap's and
// correct's ranges; operand noise at the edge of the box for the adders) and compared with
// the same layer in exact rationals on the same inputs. Each bound is never below the worst
// observed error, and a fixed fraction of it is beaten (the negative check: a bound that
// lost its partial sums' magnitudes, or counted one rounding too few, would show).
#include <catch2/catch.hpp>

#include <mpfr.h>

#include <random>

#include "blocks/correct.hpp"
#include "blocks/increment.hpp"
#include "blocks/read.hpp"
#include "blocks/subtract.hpp"
#include "bounds/correct.hpp"
#include "bounds/increment.hpp"
#include "bounds/read.hpp"
#include "bounds/rounding.hpp"
#include "bounds/subtract.hpp"
#include "compile/encoding.hpp"
#include "compile/subleq/compiler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

isa::SubleqProgram program(int N, int cells) {
  isa::SubleqProgram p;
  p.bits = N;
  p.scratch = 1;
  for (int m = 0; m < cells; ++m) p.cell_names.push_back("c" + std::to_string(m));
  p.memory.assign(cells, 0);
  p.commands = {{0, 1, 0, 0}};
  return p;
}

std::vector<int> rows(const Layout& layout, std::initializer_list<const char*> blocks) {
  std::vector<int> out;
  for (const char* b : blocks)
    for (int i = 0; i < layout.block(b).size; ++i) out.push_back(layout.block(b).row(i));
  return out;
}

// The layer's ReLU sublayer alone (what the bounds are about: the attention's copy is the input).
LayerSpec ffn_only(LayerSpec layer) {
  layer.heads.clear();
  return layer;
}

// The largest |computed - exact| over `out` (every column), the sublayer run at mpfr:P and in
// rationals on the same input (X as mpfr:P holds it).
double worst_rounding(const LayerSpec& layer, const Matrix<Rational>& X, const std::vector<int>& out, int P) {
  MpfrPrecisionScope scope(P);
  const LoopSpec loop{static_cast<int>(X.rows()), {layer}};
  auto tf = instantiate<MpfrReal>(loop, AttentionMode::Softmax);
  Matrix<MpfrReal> Y = to_scalar<MpfrReal>(X);
  Matrix<Rational> Q(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) mpfr_get_q(Q(i, j).backend().data(), Y(i, j).raw());
  tf.apply_layer(0, Y);
  auto exact = instantiate<Rational>(loop, AttentionMode::Hardmax);
  exact.apply_layer(0, Q);
  Rational worst = 0;
  for (int r : out)
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      Rational y;
      mpfr_get_q(y.backend().data(), Y(r, j).raw());
      worst = std::max(worst, Rational(abs(y - Q(r, j))));
    }
  return to_double(worst);
}

// Every P-bit number in [lo, hi] (lo > 0; binades down from hi's).
std::vector<Rational> grid(const Rational& lo, const Rational& hi, int P) {
  std::vector<Rational> out;
  for (int e = 2; e >= -40; --e) {  // the binade [2^(e-1), 2^e), step 2^(e-P)
    const Rational step = pow2(e - P), start = pow2(e - 1);
    if (start * 2 <= lo) break;
    for (Rational x = start; x < start * 2; x += step)
      if (x >= lo && x <= hi) out.push_back(x);
  }
  return out;
}

// Fills `targets` rows at `column` with the values, N at a time, and returns the worst rounding.
template <class Fill>
double over_values(const LayerSpec& layer, const Matrix<Rational>& base, const std::vector<int>& targets, const std::vector<Rational>& values,
                   int P, Fill&& column_of) {
  double worst = 0;
  for (std::size_t first = 0; first < values.size(); first += targets.size()) {
    Matrix<Rational> X = base;
    for (std::size_t k = 0; k < targets.size() && first + k < values.size(); ++k) X(targets[k], column_of(k)) = values[first + k];
    worst = std::max(worst, worst_rounding(layer, X, targets, P));
  }
  return worst;
}

}  // namespace

TEST_CASE("snap_rounding is never below the snap's rounding on every P-bit copy within e_s, and 1/8 of it is beaten", "[bounds][ffn-sums]") {
  const int N = 16, P = 12;
  const auto p = program(N, 2);
  const Layout layout = compile::subleq_layout(p);
  const blocks::BlockParams params;
  const LayerSpec layer = ffn_only(blocks::read(layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, params));
  Matrix<Rational> X = compile::encode(layout, p, 0, p.memory);
  const int work = layout.scratch().begin;
  const std::vector<int> copies = rows(layout, {"val_a"});
  const Rational e_s = params.snap;
  std::vector<Rational> values;
  for (const Rational& x : grid(1 - e_s, 1 + e_s, P)) values.insert(values.end(), {x, -x});
  const double observed = over_values(layer, X, copies, values, P, [&](std::size_t) { return work; });
  const double u = std::ldexp(1.0, -P);
  const double bound = bounds::snap_rounding(layer, copies, layout.row("is_work"), to_double(e_s), u);
  INFO("observed " << observed / u << " u, bound " << bound / u << " u, generic ffn_rounding " << bounds::ffn_rounding(layer, u, 2) / u << " u");
  CHECK(observed <= bound);
  CHECK(observed > bound / 8);  // negative check
  CHECK(bound < bounds::ffn_rounding(layer, u, 2) / 10);
}

TEST_CASE("correct_rounding is never below the staircase's rounding on every P-bit entry within e of -1, 0, 1, and 1/16 of it is beaten",
          "[bounds][ffn-sums]") {
  const int N = 16, P = 10;
  const auto p = program(N, 2);
  const Layout layout = compile::subleq_layout(p);
  const blocks::BlockParams params;
  const LayerSpec layer = blocks::correct(layout, {"correct", {"mem"}}, params);
  const Matrix<Rational> X = compile::encode(layout, p, 0, std::vector<std::int64_t>(2, 0));
  const std::vector<int> mem = rows(layout, {"mem"});
  const Rational e = params.threshold;
  std::vector<Rational> values;
  for (const Rational& x : grid(1 - e, 1 + e, P)) values.insert(values.end(), {x, -x});
  for (const Rational& x : grid(pow2(-12), e, P)) values.insert(values.end(), {x, -x});
  const int column = p.memory_column(0);
  const double observed = over_values(layer, X, mem, values, P, [&](std::size_t) { return column; });
  const double u = std::ldexp(1.0, -P);
  const double bound = bounds::correct_rounding(layer, mem, to_double(e), u);
  INFO("observed " << observed / u << " u, bound " << bound / u << " u, generic " << bounds::ffn_rounding(layer, u, 2) / u << " u");
  CHECK(observed <= bound);
  CHECK(observed > bound / 16);  // negative check (exhaustive: 2 u of 26 u)
}

namespace {

// Random integers a, b (or a pc code) with every operand bit moved by noise on the P-bit grid,
// at most delta (half the trials at +-delta exactly, the box's corners); the worst rounding.
double adder_trials(const LayerSpec& layer, const Layout& layout, const isa::SubleqProgram& p, const std::vector<const char*>& operands,
                    const std::vector<int>& targets, double delta, int P, int trials, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const int work = layout.scratch().begin;
  const Rational grid_step = pow2(1 - P);  // on the P-bit grid at 1 and just below
  const long steps = static_cast<long>(delta / std::ldexp(1.0, 1 - P));
  double worst = 0;
  for (int t = 0; t < trials; ++t) {
    Matrix<Rational> X = compile::encode(layout, p, 0, p.memory);
    for (const char* name : operands) {
      const RowBlock& b = layout.block(name);
      for (int k = 0; k < b.size; ++k) {
        const int bit = std::uniform_int_distribution<int>(0, 1)(rng) ? 1 : -1;
        const long m = t % 2 ? steps : std::uniform_int_distribution<long>(0, steps)(rng);
        const int sign = std::uniform_int_distribution<int>(0, 1)(rng) ? 1 : -1;
        X(b.row(k), work) = Rational(bit) + sign * m * grid_step;
      }
    }
    worst = std::max(worst, worst_rounding(layer, X, targets, P));
  }
  return worst;
}

}  // namespace

TEST_CASE("subtract_rounding_rows is never below the adder's rounding on noisy operands, and a fraction of it is beaten", "[bounds][ffn-sums]") {
  const int N = 8, P = 20;
  const auto p = program(N, 2);
  const Layout layout = compile::subleq_layout(p);
  const LayerSpec layer = blocks::subtract(layout, {});
  const std::vector<int> diff = rows(layout, {"diff"});
  const double u = std::ldexp(1.0, -P), delta = 32 * u;
  const double observed = adder_trials(layer, layout, p, {"val_a", "val_b"}, diff, delta, P, 400, 7);
  const std::vector<double> bits = bounds::subtract_rounding_rows(layer, diff, rows(layout, {"val_a", "val_b"}), layout.row("is_work"), delta, u);
  const double bound = bounds::max_of(bits);
  INFO("observed " << observed / u << " u, bound " << bound / u << " u, generic " << bounds::ffn_rounding(layer, u, 2) / u << " u");
  CHECK(observed <= bound);
  CHECK(observed > bound / 64);  // negative check
  CHECK(bound < bounds::ffn_rounding(layer, u, 2) / 4);
}

TEST_CASE("increment_rounding is never below the adder's rounding on a noisy pc, and a fraction of it is beaten", "[bounds][ffn-sums]") {
  const int P = 16;
  const auto p = program(4, 40);  // n = 42 columns: L = 6
  const Layout layout = compile::subleq_layout(p);
  const LayerSpec layer = blocks::increment(layout, {});
  const std::vector<int> next = rows(layout, {"next"});
  const double u = std::ldexp(1.0, -P), delta = 32 * u;
  const double observed = adder_trials(layer, layout, p, {"pc"}, next, delta, P, 400, 11);
  const double bound = bounds::increment_rounding(layer, next, rows(layout, {"pc"}), layout.row("is_work"), delta, u);
  INFO("observed " << observed / u << " u, bound " << bound / u << " u, generic " << bounds::ffn_rounding(layer, u, 2) / u << " u");
  CHECK(observed <= bound);
  CHECK(observed > bound / 64);  // negative check
}

TEST_CASE("ffn_sums_rounding: exact arithmetic gives 0, and the bound grows with u and with the box", "[bounds][ffn-sums]") {
  const auto p = program(8, 2);
  const Layout layout = compile::subleq_layout(p);
  const LayerSpec layer = blocks::subtract(layout, {});
  const std::vector<int> diff = rows(layout, {"diff"}), ops = rows(layout, {"val_a", "val_b"});
  const int ind = layout.row("is_work");
  CHECK(bounds::max_of(bounds::subtract_rounding_rows(layer, diff, ops, ind, 0.01, 0)) == 0);
  double last = 0;
  for (int P = 60; P >= 12; P -= 4) {
    const double b = bounds::max_of(bounds::subtract_rounding_rows(layer, diff, ops, ind, 1e-6, std::ldexp(1.0, -P)));
    CHECK(b > last);
    last = b;
  }
  CHECK(bounds::max_of(bounds::subtract_rounding_rows(layer, diff, ops, ind, 0.1, 0x1p-30)) >
        bounds::max_of(bounds::subtract_rounding_rows(layer, diff, ops, ind, 0.001, 0x1p-30)));
}
