// The sigmoid lemma (proofs/sigmoid.md): non-linear functions from softmax attention.
//
// 1. Two-entry softmax is a sigmoid. A head whose query column sees A "anchor" key
//    columns scoring z = a u + b and F "filler" columns scoring 0 puts the weight
//    A e^z / (A e^z + F) = sigma(z + log(A/F)) on the anchors. With A = F (the default:
//    one anchor column, and the point column itself as the only filler) this is
//    exactly sigma(a u + b), with exact rational weights and lambda = 1.
//    The paper's variant (one anchor, k-1 fillers, bias -log(k-1)) needs an irrational
//    bias; `SigmoidColumns` offers it with the bias rounded to a multiple of 2^-64 and
//    the resulting deviation carried into every bound (column_compensation_error).
// 2. Sums of sigmoids: one head per term (m heads in one layer). A softmax couples all
//    the columns it normalises over, so one head yields one sigmoid per query column;
//    m independent sigmoids of the same point need m normalisers. The constant c0 is the
//    FFN bias b2 of the same layer.
// 3. The sums themselves (staircase, fitted) and the targets are approx/'s; bounds in
//    bounds/sigmoid.hpp and cert/sigmoid_certificate.hpp; evaluation with the engine in
//    analysis/sigmoid_eval.hpp.
//
// The block reads the rows x (and y), one and anchor and writes the row out of a
// Layout; the standalone punchcard (sigmoid_layout, initial_punchcard) has the point
// column first, then F-1 extra filler columns, then the A anchor columns (for P points
// at once: P F fillers, the first P of them point columns, then P A anchors).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "approx/channel.hpp"
#include "approx/sigmoid_sum.hpp"
#include "approx/target.hpp"
#include "core/rational.hpp"
#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"
#include "tf/matrix.hpp"

namespace loopcert::blocks {

struct SigmoidRows {
  std::string x = "x", y = "y", one = "one", anchor = "anchor", out = "out";
};

// Column roles of the punchcard the block runs on. `fillers` counts the point column.
struct SigmoidColumns {
  int anchors = 1;
  int fillers = 1;
  bool balanced() const { return anchors == fillers; }
  int columns() const { return anchors + fillers; }
};
// The key bias added to every head: 0 when balanced, else a multiple of 2^-64 within
// column_compensation_error() of log(fillers / anchors).
Rational column_compensation(const SigmoidColumns& columns);
double column_compensation_error(const SigmoidColumns& columns);

// One layer: one head per term of every channel, lambda = 1, key dimension 1: the query
// is the score itself, a * (sum coeff * input) + (b + compensation) * one; the key is the
// anchor indicator (1 on anchors, 0 on fillers); the value writes scale * c * anchor to
// out. Plus the FFN bias sum scale * c0 on out. Reads x (y), one, anchor; writes out.
LayerSpec sigmoid_layer(const Layout& layout, const std::vector<approx::Channel>& channels, const SigmoidColumns& columns = {},
                        const SigmoidRows& rows = {});

// Rows x, (y), one, anchor, out. The Layout class always has three column regions (a
// SUBLEQ notion); the sigmoid punchcard's columns are SigmoidColumns instead, so the
// regions here are placeholders.
Layout sigmoid_layout(int inputs);

struct BuildOptions {
  Rational alpha = approx::default_staircase_alpha();
  std::vector<Rational> betas = approx::default_fit_betas();
  // Fitted: extra cost added to the grid error estimate when choosing beta, e.g. the
  // rounding bound at the target scalar (bounds/sigmoid.hpp). Null: none.
  std::function<double(const approx::Channel&)> fitted_penalty;
  // Fitted: progress through the candidate widths, per channel (null: none).
  approx::FitProgress on_fit_width;
  SigmoidColumns columns;
};

struct SigmoidBlock {
  approx::Target target;
  approx::Construction construction = approx::Construction::Staircase;
  int terms = 0;  // per channel (x*y has two channels, so 2 * terms heads)
  std::vector<approx::Channel> channels;
  SigmoidColumns columns;
  Layout layout = sigmoid_layout(1);
  LoopSpec loop;  // one layer
  int heads() const { return loop.head_count(); }
};

// Throws std::invalid_argument for m < 1.
SigmoidBlock build_block(const approx::Target& target, approx::Construction construction, int m, const BuildOptions& options = {});

// The exact punchcard of the block for `batch` points: batch * F filler columns (the
// first `batch` of them are the point columns, x = y = 0 for now), then batch * A anchor
// columns. The point columns are fillers for each other, and A/F is unchanged, so every
// point column computes the same function (Theorem 1); Theorem 3 then has n = batch (A+F).
Matrix<Rational> initial_punchcard(const SigmoidBlock& block, int batch = 1);

}  // namespace loopcert::blocks
