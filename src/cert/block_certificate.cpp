#include "cert/block_certificate.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "blocks/read.hpp"
#include "blocks/write.hpp"
#include "bounds/common.hpp"
#include "bounds/read.hpp"
#include "bounds/rounding.hpp"
#include "bounds/write.hpp"
#include "cert/rounding_model.hpp"
#include "compile/encoding.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/interval_scalar.hpp"
#include "tf/transformer.hpp"

namespace loopcert::cert {

namespace {

struct BlockSetup {
  const isa::SubleqProgram& program;
  Layout layout;
  LayerSpec layer;
  Matrix<Rational> base;  // the exact encoding the ball is around
  int work = 0, n = 0, L = 0;
};

// The attention alone: the ReLU sublayer is left out (see the header).
LayerSpec attention_only(LayerSpec layer) {
  layer.ffn = FfnSpec{};
  return layer;
}

BlockSetup make_setup(const std::string& lemma, const isa::SubleqProgram& p, const blocks::BlockParams& params,
                      const BlockOptions& o) {
  Layout layout = compile::subleq_layout(p);
  LayerSpec layer = lemma == "read" ? blocks::read(layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, params)
                                    : blocks::write(layout, {"write", "ins_b", "diff", "mem", "wbuf", "whit"}, params);
  if (o.alter) o.alter(layer);
  BlockSetup s{p, layout, attention_only(std::move(layer)), compile::encode(layout, p, 0, p.memory), layout.scratch().begin,
               layout.columns(), layout.address_bits()};
  return s;
}

IntervalScalar box(const Rational& centre, const Rational& radius) { return IntervalScalar(centre - radius, centre + radius); }

// The input boxes of one case (addressed cell `cell`) and one pointer sub-box (`piece`:
// for each coordinate its sub-interval index in base 2^splits).
Matrix<IntervalScalar> input_box(const std::string& lemma, const BlockSetup& s, int cell, long piece, const BlockOptions& o) {
  Matrix<IntervalScalar> X(s.base.rows(), s.base.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) = IntervalScalar(s.base(i, j), s.base(i, j));
  const int column = s.program.memory_column(cell);
  const std::vector<int> code = compile::position_code(column, s.L);
  const RowBlock& pointer = s.layout.block(lemma == "read" ? "ins_a" : "ins_b");
  const long pieces = long(1) << o.splits;
  const Rational width = 2 * o.delta / Rational(pieces);
  for (int k = 0; k < s.L; ++k) {
    const long index = piece % pieces;
    piece /= pieces;
    const Rational lo = Rational(code[k]) - o.delta + width * Rational(index);
    X(pointer.row(k), s.work) = IntervalScalar(lo, lo + width);
  }
  if (lemma == "read") {
    const RowBlock& mem = s.layout.block("mem");
    for (int b = 0; b < mem.size; ++b)
      for (int j = 0; j < s.n; ++j) X(mem.row(b), j) = j == column ? box(1, o.delta) : box(0, 1 + o.delta);
  } else {
    const RowBlock& diff = s.layout.block("diff");
    for (int b = 0; b < diff.size; ++b) X(diff.row(b), s.work) = box(1, o.delta);
  }
  return X;
}

// Largest distance of the boxes in rows `block` at `column` from `ideal`, rounded up.
double distance(const Matrix<IntervalScalar>& Y, const RowBlock& block, int column, double ideal) {
  double worst = 0;
  for (int b = 0; b < block.size; ++b) {
    const IntervalScalar& y = Y(block.row(b), column);
    if (!y.is_finite()) return bounds::kInfinity;
    worst = std::max({worst, bounds::add_up(y.upper(), -ideal), bounds::add_up(ideal, -y.lower())});
  }
  return worst;
}

void note(BlockQuantity& q, double d, int cell) {
  if (d > q.certified || q.worst_cell < 0) q.certified = std::max(q.certified, d), q.worst_cell = cell;
}

}  // namespace

BlockCertificate certify_block(const std::string& lemma, const isa::SubleqProgram& program, const blocks::BlockParams& params,
                               const BlockOptions& o) {
  if (lemma != "read" && lemma != "write") throw std::invalid_argument("block certificates exist for the read and write lemmas, not '" + lemma + "'");
  if (o.delta < 0) throw std::invalid_argument("--delta must not be negative");
  const auto started = std::chrono::steady_clock::now();
  const BlockSetup s = make_setup(lemma, program, params, o);
  if (o.splits < 0 || o.splits * s.L > 16) throw std::invalid_argument("--splits: at most 2^16 pointer boxes per case (splits x L <= 16)");
  BlockCertificate c;
  c.lemma = lemma, c.scalar = o.scalar.name(), c.n = s.n, c.L = s.L, c.N = program.bits, c.cells = program.cells();
  c.lambda = to_double(params.lambda), c.delta = to_double(o.delta);
  const RoundingModel model = rounding_model(o.scalar);
  c.sound_for = sound_for(model) + "; every input within " + fmt::format("{:.3g}", c.delta) + " of a valid state's entries (pointer and sources)";
  const double u = bounds::unit_roundoff(o.scalar);
  const bounds::ExpModel exp = bounds::exp_model(o.scalar);
  const double rounding = bounds::rounding_attention(s.n, s.L, c.lambda, u, c.delta, exp);
  if (lemma == "read") {
    c.quantities.push_back({"copy |val_a - bit| (attention)", 0, -1,
                            bounds::add_up(bounds::read_attention_tight(s.n, s.L, c.lambda, c.delta), rounding),
                            "bounds::read_attention_tight + rounding_attention", to_double(params.snap)});
  } else {
    c.quantities.push_back({"hit |h - 1/2| (attention)", 0, -1,
                            bounds::add_up(bounds::write_hit_deviation_tight(s.n, s.L, c.lambda, c.delta), rounding),
                            "bounds::write_hit_deviation_tight + rounding_attention", 0});
  }
  IntervalScope scope(model, o.working_precision);
  LoopedTransformer<IntervalScalar> tf({instantiate_layer<IntervalScalar>(s.layer, params.lambda)}, s.layout.rows(), AttentionMode::Softmax);
  const long pieces = long(1) << (o.splits * s.L);
  for (int cell = 0; cell < program.cells(); ++cell) {
    ++c.cases;
    for (long piece = 0; piece < pieces; ++piece, ++c.boxes) {
      Matrix<IntervalScalar> X = input_box(lemma, s, cell, piece, o);
      tf.apply_layer(0, X);
      const int column = program.memory_column(cell);
      if (lemma == "read") note(c.quantities[0], distance(X, s.layout.block("val_a"), s.work, 1), cell);
      else note(c.quantities[0], distance(X, s.layout.block("whit"), column, 0.5), cell);
    }
  }
  c.verdict = Verdict::Certified;
  for (const auto& q : c.quantities)
    if (q.threshold > 0 && !(q.certified <= q.threshold)) {
      c.verdict = Verdict::Unknown;
      c.reason = q.name + ": the boxes reach " + fmt::format("{:.3g}", q.certified) + ", above the threshold " + fmt::format("{:.3g}", q.threshold) +
                 " (split the pointer boxes further, or the block is wrong: run `loopcert verify`)";
    }
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return c;
}

}  // namespace loopcert::cert
