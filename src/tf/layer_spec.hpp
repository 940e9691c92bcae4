// LayerSpec and LoopSpec: the transformer's weights, built once and exactly.
//
// Entries are exact rationals; `instantiate<T>` (tf/transformer.hpp) rounds each one
// to T once, so the rounding of the weights is part of what loopcert measures. One
// layer is, for X in R^{d x n} (columns are tokens),
//   A(X) = X + sum_h V_h X softmax_lambda((K_h X)^T (Q_h X))   (softmax down each column)
//   F(X) = A(X) + W2 relu(W1 A(X) + b1 1^T) + b2 1^T
// Weights are sparse: a block touches a few named rows, and evaluation keeps it so.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "core/rational.hpp"

namespace loopcert {

struct SparseEntry {
  int row = 0;
  int col = 0;
  Rational value;
};

// A sparse matrix of exact entries. Entries keep the order they were added in, which
// is the order the evaluator sums them in (it matters for rounding; see proofs/).
struct SparseSpec {
  int rows = 0;
  int cols = 0;
  std::vector<SparseEntry> entries;

  void add(int row, int col, const Rational& value);  // zero values are dropped
  std::size_t nonzeros() const { return entries.size(); }
};

// One attention head. Q, K: key_dim x d. V: d x d (writes residual rows).
struct HeadSpec {
  std::string name;
  int key_dim = 0;
  SparseSpec query, key, value;
};

// The ReLU sublayer, built unit by unit: a hidden unit is b1 + sum_c W1[u,c] x_c, and
// its output is added to residual rows with weights from W2.
struct FfnSpec {
  int hidden = 0;
  SparseSpec w1;                    // hidden x d
  std::vector<Rational> b1;         // hidden
  SparseSpec w2;                    // d x hidden
  std::vector<std::pair<int, Rational>> b2;  // (row, value): the bias b2 1^T, same for every column

  // Adds a unit relu(bias + sum w * x_row) and returns its index.
  int add_unit(const Rational& bias, const std::vector<std::pair<int, Rational>>& inputs);
  void add_output(int row, int unit, const Rational& weight);
  void add_bias(int row, const Rational& value);
};

// What scales a layer's attention scores: the run's temperature (given once, when the
// loop is instantiated: instantiate(loop, mode, lambda)), or a scale fixed by the block
// (LayerSpec::lambda), e.g. the sigmoid heads' 1.
enum class ScoreScale { RunTemperature, Fixed };

struct LayerSpec {
  std::string name;
  int d = 0;              // residual rows
  // Softmax temperature (inverse): scores are multiplied by it. For a RunTemperature
  // layer it is the value used when none is given at instantiation (instantiate(loop, mode)).
  Rational lambda = 1;
  ScoreScale scale = ScoreScale::Fixed;
  std::vector<HeadSpec> heads;
  FfnSpec ffn;
  std::set<std::string> reads, writes;  // names of the row blocks the layer touches
  std::vector<std::string> blocks;      // names of the lemma blocks merged into this layer

  explicit LayerSpec(std::string name_, int d_ = 0);
  LayerSpec() = default;
  HeadSpec& add_head(const std::string& head_name, int key_dim);
  // Puts another block's heads and hidden units beside this one's (same layer). Two
  // blocks may not write the same row block: their effects would add up silently.
  void merge(const LayerSpec& other);
  bool has_attention() const { return !heads.empty(); }
};

struct LoopSpec {
  int d = 0;
  std::vector<LayerSpec> layers;

  int head_count() const;           // over all layers
  int max_heads_per_layer() const;
  int hidden_units() const;
};

}  // namespace loopcert
