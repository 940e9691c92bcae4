// LoopedTransformer<T>: a LoopSpec with every weight rounded to T once, and the
// evaluator of DESIGN.md section 3. Nothing here knows which T it runs at.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/scalar.hpp"
#include "tf/layer_spec.hpp"
#include "tf/matrix.hpp"

namespace loopcert {

enum class AttentionMode {
  Softmax,  // numerically stable: subtract the column maximum before exp
  Hardmax,  // lambda = infinity: uniform weight on the maximisers (exact over rationals)
};

// Compressed sparse rows with only the rows that have entries.
template <class T>
struct SparseRows {
  std::vector<int> out_row;  // residual / hidden row of each stored row
  std::vector<int> start;    // entries of stored row k: [start[k], start[k+1])
  std::vector<int> col;
  std::vector<T> val;
  int stored_rows() const { return static_cast<int>(out_row.size()); }
};

template <class T>
struct Head {
  std::string name;
  int key_dim = 0;
  SparseRows<T> query, key, value;  // query/key rows index the key space; value rows are residual rows
};

template <class T>
struct Layer {
  std::string name;
  T lambda;
  std::vector<Head<T>> heads;
  int hidden = 0;
  SparseRows<T> w1;  // rows: hidden units
  std::vector<T> b1;
  SparseRows<T> w2;  // rows: residual rows
  std::vector<std::pair<int, T>> b2;
};

// Where a non-finite value first appeared.
struct NonFinite {
  int layer = 0;
  int row = 0;
  int column = 0;
  double value = 0;
};

template <class T>
class LoopedTransformer {
 public:
  LoopedTransformer(std::vector<Layer<T>> layers, int d, AttentionMode mode);

  int rows() const { return d_; }
  int layer_count() const { return static_cast<int>(layers_.size()); }
  const Layer<T>& layer(int i) const { return layers_[i]; }
  AttentionMode mode() const { return mode_; }

  // X <- F_layer(X) for one layer. Uses internal workspace (not thread-safe).
  void apply_layer(int layer, Matrix<T>& X);
  // The same layer on a batch of independent punchcards of `columns` columns each,
  // stored side by side in X (punchcard b is columns [b * columns, (b + 1) * columns)).
  // Attention stays inside each punchcard. Every column gets exactly the operations, in
  // the same order, that apply_layer gives it on its own punchcard, so the results are
  // the same bit for bit (properties/engine.cpp checks this at float, double, MPFR and
  // exact). The batch only shares the per-head fixed cost, which dominates tiny
  // punchcards such as the sigmoid block's two columns.
  // Throws std::invalid_argument unless columns >= 1 divides X.cols().
  void apply_layer_batch(int layer, Matrix<T>& X, int columns);
  // Threads for one head's distinct query rows when there are many (apply_layer and
  // apply_layer_batch; default 1). Each row's operations are the same on any thread, so
  // the results are the same bits at any count (properties/engine_shortcuts.cpp). NarrowMpfr
  // keeps one thread (its precision and range flag are per thread).
  void set_threads(int threads) { threads_ = threads < 1 ? 1 : threads; }
  int threads() const { return threads_; }
  // One loop: every layer in order.
  void apply_loop(Matrix<T>& X);
  // The plain evaluator (tf/plain_evaluator.hpp): every query column's scores, softmax
  // and read-out computed in full, through an n x n score buffer per punchcard. Its
  // results define the engine's; apply_layer and apply_layer_batch give the same bits
  // faster (properties/engine_shortcuts.cpp). `columns` as in apply_layer_batch.
  void apply_layer_plain(int layer, Matrix<T>& X, int columns);
  // First non-finite entry of X, if any (for overflow / NaN reports).
  static std::optional<NonFinite> find_non_finite(const Matrix<T>& X);

 private:
  std::vector<Layer<T>> layers_;
  int d_;
  AttentionMode mode_;
  // Workspace, one per layer and head, sized once, so the hot loop does not allocate.
  struct HeadWork {
    Matrix<T> qx, kx, vx, out;
  };
  // The feed-forward's equal-columns shortcut (tf/feed_forward.hpp): the rows it reads
  // and writes, the weights renumbered to them, and its per-call scratch.
  struct FfnPlan {
    bool ready = false;
    std::vector<int> rows, written;  // rows read (ascending, the written ones included); written: indices into rows
    SparseRows<T> w1, w2;
    std::vector<std::pair<int, T>> b2;
    std::vector<std::uint64_t> hash;
    std::vector<int> table, reps, source, rep_of;
    Matrix<T> in, hidden;  // the distinct columns' rows, then their outputs; their hidden units
  };
  struct LayerWork {
    std::vector<HeadWork> heads;
    Matrix<T> hidden;
    FfnPlan ffn;
  };
  std::vector<LayerWork> work_;
  // The attention's scratch (tf/attention.hpp): one row of scores at a time, O(n) memory.
  // Per thread: what one query row needs.
  struct QueryScratch {
    Eigen::Matrix<T, 1, Eigen::Dynamic> row;  // one score row, with room to start it at any alignment
    Matrix<T> uniform_out;                    // per row alignment: the read-out of a uniform row
    std::vector<char> uniform_ready;
  };
  struct AttentionScratch {
    std::vector<int> live, live_start;  // per value row: its entries that are not +0
    std::vector<char> sparse;           // per value row: read out through its live entries
    std::vector<int> table;             // query columns by hash (open addressing)
    std::vector<int> distinct, copy_of;  // the punchcard's distinct queries; each column's (or -1)
    std::vector<QueryScratch> threads;   // one per thread
  };
  AttentionScratch scratch_;
  int threads_ = 1;
  Matrix<T> plain_scores_;  // the plain evaluator's score blocks

  void attention(const Layer<T>& layer, LayerWork& work, Matrix<T>& X, Eigen::Index columns);
  void attend_card(const Layer<T>& layer, const Head<T>& head, HeadWork& hw, Eigen::Index first, Eigen::Index s);
  void attend_queries(const Layer<T>& layer, HeadWork& hw, QueryScratch& q, bool any_sparse, Eigen::Index first, Eigen::Index s,
                      const int* queries, std::size_t count);
  void feed_forward(const Layer<T>& layer, LayerWork& work, Matrix<T>& X);
  static void plan_feed_forward(const Layer<T>& layer, FfnPlan& plan);
  static bool distinct_columns(const Matrix<T>& X, FfnPlan& plan);
  void attention_plain(const Layer<T>& layer, LayerWork& work, Matrix<T>& X, Eigen::Index columns);
  void feed_forward_plain(const Layer<T>& layer, LayerWork& work, Matrix<T>& X);
};

// Rounds every entry of the spec to T once. `lambda`: the run's temperature, used by the
// layers whose scores it scales (ScoreScale::RunTemperature); without it every layer
// keeps its LayerSpec::lambda.
template <class T>
LoopedTransformer<T> instantiate(const LoopSpec& spec, AttentionMode mode);
template <class T>
LoopedTransformer<T> instantiate(const LoopSpec& spec, AttentionMode mode, const Rational& lambda);
template <class T>
Layer<T> instantiate_layer(const LayerSpec& spec);
template <class T>
Layer<T> instantiate_layer(const LayerSpec& spec, const Rational& lambda);

// Converts an exact punchcard to T.
template <class T>
Matrix<T> to_scalar(const Matrix<Rational>& X);

}  // namespace loopcert
