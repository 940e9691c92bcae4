// The ideal reference of the lockstep run's tracking (lockstep_parts.hpp, LayerTracker):
// the LoopSpec at double with hardmax attention, layer by layer, with the values of
// LoopedTransformer<double> in hardmax mode (the engine), recomputing from one loop to
// the next only what the changed columns can reach: between two loops only one or two
// columns of a layer's input change (a SUBLEQ step changes the pc, the scratch and one
// cell), so the tracking no longer costs a second transformer.
//
//  - Attention: each head through IdealHead (lockstep_ideal_attention.hpp, with the
//    argument why its values are the engine's), added into X as the engine adds them
//    (x + 1 * out, head after head).
//  - Feed-forward: column by column, so the engine's FFN (the same LoopSpec without its
//    heads) runs on the columns whose FFN input changed, gathered side by side: the same
//    operations per column, so the same bits; the other columns keep last loop's outputs.
//  - A non-finite value anywhere, or a first loop: the engine itself (after a non-finite
//    value, for the rest of the run).
// Property: properties/engine_ideal.cpp (every layer of SUBLEQ runs and of random layers
// whose punchcards change a few columns at a time, against the engine, with a negative check).
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <set>
#include <vector>

#include "analysis/detail/lockstep_ideal_attention.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis::detail {

class IdealReference {
 public:
  explicit IdealReference(const LoopSpec& loop)
      : engine_(instantiate<double>(loop, AttentionMode::Hardmax)), ffn_(instantiate<double>(without_heads(loop), AttentionMode::Hardmax)),
        heads_(loop.layers.size()), ffn_memo_(loop.layers.size()) {
    for (std::size_t l = 0; l < loop.layers.size(); ++l) {
      heads_[l].resize(loop.layers[l].heads.size());
      const Layer<double>& layer = engine_.layer(static_cast<int>(l));
      std::set<int> in(layer.w1.col.begin(), layer.w1.col.end()), out(layer.w2.out_row.begin(), layer.w2.out_row.end());
      for (const auto& [row, b] : layer.b2) out.insert(row);
      in.insert(out.begin(), out.end());  // the residual: an output row is an input too
      ffn_memo_[l].rows_in.assign(in.begin(), in.end());
      ffn_memo_[l].rows_out.assign(out.begin(), out.end());
    }
  }

  void apply_layer(int l, Matrix<double>& X) {
    if (engine_only_) return engine_.apply_layer(l, X);
    const Layer<double>& layer = engine_.layer(l);
    std::vector<IdealHead>& heads = heads_[l];
    for (std::size_t h = 0; h < heads.size(); ++h)
      if (!heads[h].update(layer.heads[h], X)) {
        engine_only_ = true;
        return engine_.apply_layer(l, X);
      }
    const Eigen::Index n = X.cols();
    for (std::size_t h = 0; h < heads.size(); ++h) {
      const auto& rows = layer.heads[h].value.out_row;
      for (std::size_t k = 0; k < rows.size(); ++k) {
        double* x = X.data() + rows[k] * n;
        const double* o = heads[h].out().data() + k * n;
        for (Eigen::Index j = 0; j < n; ++j) x[j] = x[j] + 1.0 * o[j];
      }
    }
    feed_forward(l, X);
  }

 private:
  struct FfnMemo {
    std::vector<int> rows_in, rows_out;  // the rows the FFN reads (its outputs included) and writes
    Matrix<double> in, out;              // last loop's values there, before and after the FFN
    bool valid = false;
  };

  static LoopSpec without_heads(LoopSpec loop) {
    for (auto& layer : loop.layers) layer.heads.clear();
    return loop;
  }
  static void keep_rows(const Matrix<double>& X, const std::vector<int>& rows, Matrix<double>& to) {
    to.resize(static_cast<Eigen::Index>(rows.size()), X.cols());
    for (std::size_t k = 0; k < rows.size(); ++k) to.row(k) = X.row(rows[k]);
  }

  void feed_forward(int l, Matrix<double>& X) {
    const Layer<double>& layer = engine_.layer(l);
    if (layer.hidden == 0 && layer.b2.empty()) return;
    FfnMemo& m = ffn_memo_[l];
    const Eigen::Index n = X.cols();
    changed_.clear();
    bool full = !m.valid || m.in.cols() != n;
    if (!full) {
      // Row by row (vectorised); stops as soon as too many columns differ for a gather.
      differ_.assign(n, 0);
      for (std::size_t k = 0; k < m.rows_in.size() && !full; ++k) {
        const double *x = X.data() + m.rows_in[k] * n, *y = m.in.data() + k * n;
        std::uint64_t any = 0;
        for (Eigen::Index j = 0; j < n; ++j) {
          const std::uint64_t d = std::bit_cast<std::uint64_t>(x[j]) ^ std::bit_cast<std::uint64_t>(y[j]);
          differ_[j] |= d;
          any |= d;
        }
        if (any) full = std::count_if(differ_.begin(), differ_.end(), [](std::uint64_t d) { return d != 0; }) > n / 4;
      }
      for (Eigen::Index j = 0; j < n && !full; ++j)
        if (differ_[j]) changed_.push_back(static_cast<int>(j));
    }
    if (full) {
      keep_rows(X, m.rows_in, m.in);
      ffn_.apply_layer(l, X);
      keep_rows(X, m.rows_out, m.out);
      m.valid = true;
      return;
    }
    const Eigen::Index c = static_cast<Eigen::Index>(changed_.size());
    if (c > 0) {
      gathered_.resize(X.rows(), c);
      for (Eigen::Index r = 0; r < X.rows(); ++r)
        for (Eigen::Index k = 0; k < c; ++k) gathered_(r, k) = X(r, changed_[k]);
      ffn_.apply_layer(l, gathered_);
      for (std::size_t k = 0; k < m.rows_in.size(); ++k)
        for (Eigen::Index i = 0; i < c; ++i) m.in(k, changed_[i]) = X(m.rows_in[k], changed_[i]);
      for (std::size_t k = 0; k < m.rows_out.size(); ++k)
        for (Eigen::Index i = 0; i < c; ++i) m.out(k, changed_[i]) = gathered_(m.rows_out[k], i);
    }
    for (std::size_t k = 0; k < m.rows_out.size(); ++k) X.row(m.rows_out[k]) = m.out.row(k);
  }

  LoopedTransformer<double> engine_, ffn_;
  std::vector<std::vector<IdealHead>> heads_;
  std::vector<FfnMemo> ffn_memo_;
  std::vector<int> changed_;
  std::vector<std::uint64_t> differ_;
  Matrix<double> gathered_;
  bool engine_only_ = false;
};

}  // namespace loopcert::analysis::detail
