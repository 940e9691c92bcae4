// The sigmoid block's construction (blocks/sigmoid.hpp).
#include "blocks/sigmoid.hpp"

#include <cmath>
#include <stdexcept>

#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"

namespace loopcert::blocks {

using approx::Channel;
using approx::Construction;
using approx::SigmoidSum;
using approx::Target;
using approx::Term;

Rational column_compensation(const SigmoidColumns& columns) {
  if (columns.balanced()) return 0;
  MpfrPrecisionScope scope(192);
  MpfrReal v = log(MpfrReal(columns.fillers) / MpfrReal(columns.anchors));
  mpfr_mul_2si(v.raw(), v.raw(), 64, MPFR_RNDN);
  mpfr_rint(v.raw(), v.raw(), MPFR_RNDN);
  mpfr_mul_2si(v.raw(), v.raw(), -64, MPFR_RNDN);
  return exact_rational(v.raw());
}

double column_compensation_error(const SigmoidColumns& columns) {
  // Rounding to a multiple of 2^-64 (error 2^-65) of a value accurate to 2^-180.
  return columns.balanced() ? 0.0 : std::ldexp(1.0, -64);
}

Layout sigmoid_layout(int inputs) {
  Layout layout(1, 1, 1);
  layout.add("x", 1);
  if (inputs > 1) layout.add("y", 1);
  layout.add("one", 1);
  layout.add("anchor", 1);
  layout.add("out", 1);
  return layout;
}

LayerSpec sigmoid_layer(const Layout& layout, const std::vector<Channel>& channels, const SigmoidColumns& columns,
                        const SigmoidRows& rows) {
  if (columns.anchors < 1 || columns.fillers < 1) throw std::invalid_argument("the sigmoid block needs at least one anchor and one filler column");
  LayerSpec layer("sigmoid", layout.rows());
  layer.lambda = 1;
  const int one = layout.row(rows.one), anchor = layout.row(rows.anchor), out = layout.row(rows.out);
  const Rational comp = column_compensation(columns);
  Rational c0 = 0;
  bool uses_y = false;
  for (std::size_t ch = 0; ch < channels.size(); ++ch) {
    const Channel& channel = channels[ch];
    for (std::size_t i = 0; i < channel.sum.terms.size(); ++i) {
      const Term& t = channel.sum.terms[i];
      // Query: the score a u + b itself (key dimension 1); key: the anchor indicator.
      HeadSpec& head = layer.add_head("sigmoid[" + std::to_string(ch) + "," + std::to_string(i) + "]", 1);
      for (const auto& [input, coeff] : channel.input) {
        head.query.add(0, layout.row(input == 0 ? rows.x : rows.y), t.a * coeff);
        uses_y = uses_y || input == 1;
      }
      head.query.add(0, one, t.b + comp);
      head.key.add(0, anchor, 1);
      head.value.add(out, anchor, channel.scale * t.c);
    }
    c0 += channel.scale * channel.sum.c0;
  }
  layer.ffn.add_bias(out, c0);
  layer.reads = {rows.x, rows.one, rows.anchor};
  if (uses_y) layer.reads.insert(rows.y);
  layer.writes = {rows.out};
  layer.blocks = {"sigmoid"};
  return layer;
}

SigmoidBlock build_block(const Target& target, Construction construction, int m, const BuildOptions& options) {
  if (m < 1) throw std::invalid_argument("the number of terms must be at least 1 (got " + std::to_string(m) + ")");
  SigmoidBlock block;
  block.target = target;
  block.construction = construction;
  block.terms = m;
  block.columns = options.columns;
  block.layout = sigmoid_layout(target.inputs());
  block.channels = target_channels(target);
  for (Channel& ch : block.channels) {
    if (construction == Construction::Staircase) {
      ch.sum = staircase(ch.f, m, options.alpha);
      continue;
    }
    std::function<double(const SigmoidSum&)> penalty;
    if (options.fitted_penalty)
      penalty = [&](const SigmoidSum& sum) {
        Channel trial = ch;
        trial.sum = sum;
        return options.fitted_penalty(trial);
      };
    ch.sum = best_fit(ch.f, m, options.betas, penalty, options.on_fit_width);
  }
  block.loop.d = block.layout.rows();
  block.loop.layers.push_back(sigmoid_layer(block.layout, block.channels, block.columns));
  return block;
}

Matrix<Rational> initial_punchcard(const SigmoidBlock& block, int batch) {
  if (batch < 1) throw std::invalid_argument("a punchcard needs at least one point column");
  const Layout& L = block.layout;
  const int fillers = batch * block.columns.fillers, n = batch * block.columns.columns();
  Matrix<Rational> X(L.rows(), n);
  for (int i = 0; i < L.rows(); ++i)
    for (int j = 0; j < n; ++j) X(i, j) = 0;
  for (int j = 0; j < n; ++j) X(L.row("one"), j) = 1;
  for (int j = fillers; j < n; ++j) X(L.row("anchor"), j) = 1;
  return X;
}

}  // namespace loopcert::blocks
