// One hardmax head of the ideal reference (lockstep_ideal.hpp), evaluated from one loop to
// the next with only what changed recomputed: the engine's values (LoopedTransformer<double>
// in hardmax mode, tf/attention.hpp) at a fraction of the cost, since between two loops
// only one or two columns of a layer's input change.
//
// Why the values are the engine's
// -------------------------------
// - The projections are the engine's kernel (kernels::combine_rows, in entry order from +0).
// - A score is the engine's in-order sum: +0, then + q_k(j) k_k(i) for k = 0 .. key_dim-1.
// - The hardmax weights depend only on the scores' values: 1/t on the t maximisers, +0
//   elsewhere. For a query whose query column did not change, only the scores against
//   the columns whose key changed (CK) are new; the maximisers are updated from them
//   unless one of the old maximisers in CK fell below the old top (then the row is
//   recomputed in full).
// - The read-out's value is the engine's dot product's value: kernels::sparse_dot gives
//   the products and partial sums of Eigen's summation order with the zero products left
//   out, and adding a zero product (+-0: every value is finite, see below) never changes
//   a value. An output is recomputed when its maximisers or the values at them changed.
// What can differ is the sign of a zero, which no later value of a hardmax run depends on
// (its only division is 1/t) and which |x - I| does not see. A non-finite projection or
// score ends the incremental evaluation (IdealHead::update returns false): the caller
// then uses the engine itself.
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tf/kernels/rows_combine.hpp"
#include "tf/kernels/sparse_dot.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis::detail {

class IdealHead {
 public:
  // Supports wider than this (but not the whole row) are not kept: such a query is
  // recomputed in full at every loop.
  static constexpr std::size_t kMaxSupport = 64;

  // The head's output rows (dv x n, row k for value.out_row[k]) for the punchcard X;
  // false if a value is not finite (nothing usable then).
  bool update(const Head<double>& head, const Matrix<double>& X) {
    const Eigen::Index n = X.cols();
    const bool had = valid_ && in_.cols() == n;
    if (!(had ? project_changed(head, X) : project_all(head, X))) return valid_ = false;
    if (zero_weights_.size() != static_cast<std::size_t>(n)) zero_weights_.assign(n, 0.0);
    if (out_.rows() != v_.rows() || out_.cols() != n) out_.resize(v_.rows(), n);
    const bool incremental = had && key_changed_.size() + value_changed_.size() <= static_cast<std::size_t>(n / 4);
    if (!incremental) {
      top_.assign(n, 0.0);
      support_.assign(n, {});
      kind_.assign(n, Listed);
      everything_.resize(n);
      for (Eigen::Index i = 0; i < n; ++i) everything_[i] = static_cast<int>(i);
    }
    all_ready_ = false;
    query_flag_.assign(n, 0);
    if (incremental)
      for (int j : query_changed_) query_flag_[j] = 1;
    for (Eigen::Index j = 0; j < n; ++j) {
      bool recompute_output = !incremental;
      if (!incremental || kind_[j] == Wide || query_flag_[j]) {
        if (!full_row(j)) return valid_ = false;
        recompute_output = true;
      } else if (!key_changed_.empty()) {
        const int moved = update_row(j);
        if (moved < 0) return valid_ = false;
        recompute_output |= moved > 0;
      }
      if (!recompute_output && !value_changed_.empty()) {
        const std::vector<int>& support = support_[j];
        recompute_output = kind_[j] == All;
        for (std::size_t c = 0; c < value_changed_.size() && !recompute_output; ++c)
          recompute_output = std::binary_search(support.begin(), support.end(), value_changed_[c]);
      }
      if (recompute_output) read_out(j, kind_[j] == All ? everything_ : kind_[j] == Wide ? row_support_ : support_[j]);
    }
    return valid_ = true;
  }
  const Matrix<double>& out() const { return out_; }

 private:
  static void project(const SparseRows<double>& m, const Matrix<double>& X, Matrix<double>& out, int rows, bool compact) {
    const Eigen::Index n = X.cols();
    if (out.rows() != rows || out.cols() != n) out.resize(rows, n);
    out.setZero();
    for (int k = 0; k < m.stored_rows(); ++k)
      kernels::combine_rows(m.val.data() + m.start[k], m.col.data() + m.start[k], m.start[k + 1] - m.start[k], X.data(), n,
                            out.data() + (compact ? k : m.out_row[k]) * n);
  }
  static bool finite(const Matrix<double>& m) {
    bool bad = false;
    for (Eigen::Index i = 0; i < m.size(); ++i) bad |= (std::bit_cast<std::uint64_t>(m.data()[i]) & 0x7FF0000000000000ull) == 0x7FF0000000000000ull;
    return !bad;
  }
  // Every projection in full, and the rows of X they read kept (in_); false: one is not finite.
  bool project_all(const Head<double>& head, const Matrix<double>& X) {
    if (rows_.empty()) {
      std::vector<int> rows;
      for (const auto* m : {&head.query, &head.key, &head.value}) rows.insert(rows.end(), m->col.begin(), m->col.end());
      std::sort(rows.begin(), rows.end());
      rows_.assign(rows.begin(), std::unique(rows.begin(), rows.end()));
    }
    project(head.query, X, q_, head.key_dim, false);
    project(head.key, X, k_, head.key_dim, false);
    project(head.value, X, v_, head.value.stored_rows(), true);
    in_.resize(static_cast<Eigen::Index>(rows_.size()), X.cols());
    for (std::size_t k = 0; k < rows_.size(); ++k) in_.row(k) = X.row(rows_[k]);
    return finite(q_) && finite(k_) && finite(v_);
  }
  // The projections recomputed in the columns where a row they read changed (the others
  // are the same operations on the same operands): key_changed_, value_changed_ and
  // query_changed_ are the columns whose projection changed in any bit. False: a
  // recomputed entry is not finite.
  bool project_changed(const Head<double>& head, const Matrix<double>& X) {
    const Eigen::Index n = X.cols();
    differ_.assign(n, 0);
    for (std::size_t k = 0; k < rows_.size(); ++k) {
      const double *x = X.data() + rows_[k] * n, *y = in_.data() + k * n;
      for (Eigen::Index j = 0; j < n; ++j) differ_[j] |= std::bit_cast<std::uint64_t>(x[j]) ^ std::bit_cast<std::uint64_t>(y[j]);
    }
    input_changed_.clear();
    for (Eigen::Index j = 0; j < n; ++j)
      if (differ_[j]) input_changed_.push_back(static_cast<int>(j));
    for (std::size_t k = 0; k < rows_.size(); ++k)
      for (int j : input_changed_) in_(k, j) = X(rows_[k], j);
    return reproject(head.query, X, q_, false, query_changed_) && reproject(head.key, X, k_, false, key_changed_) &&
           reproject(head.value, X, v_, true, value_changed_);
  }
  // Column j of out is kernels::combine_rows' value there: +0, then + val_e X(col_e, j) in entry order.
  bool reproject(const SparseRows<double>& m, const Matrix<double>& X, Matrix<double>& out, bool compact, std::vector<int>& changed) {
    changed.clear();
    bool finite_all = true;
    for (int j : input_changed_) {
      std::uint64_t moved = 0;
      for (int k = 0; k < m.stored_rows(); ++k) {
        double acc = 0.0;
        for (int e = m.start[k]; e < m.start[k + 1]; ++e) acc = acc + m.val[e] * X(m.col[e], j);
        double& to = out(compact ? k : m.out_row[k], j);
        moved |= std::bit_cast<std::uint64_t>(acc) ^ std::bit_cast<std::uint64_t>(to);
        finite_all &= std::isfinite(acc);
        to = acc;
      }
      if (moved) changed.push_back(j);
    }
    return finite_all;
  }
  double score(Eigen::Index j, Eigen::Index i) const {
    double s = 0.0;
    for (Eigen::Index k = 0; k < q_.rows(); ++k) s = s + q_(k, j) * k_(k, i);
    return s;
  }
  // Every score of query j: its top and maximisers (in row_support_; kept in support_[j]
  // unless they are all columns or too many). False: a score is not finite.
  bool full_row(Eigen::Index j) {
    const Eigen::Index n = q_.cols();
    row_support_.clear();
    double top = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double s = score(j, i);
      if (!std::isfinite(s)) return false;
      if (i == 0 || s > top) top = s, row_support_.clear();
      if (s == top) row_support_.push_back(static_cast<int>(i));
    }
    top_[j] = top;
    set_support(j, row_support_);
    return true;
  }
  // Stores the maximisers of query j: All and Wide keep no list (memory O(n) per head).
  void set_support(Eigen::Index j, const std::vector<int>& support) {
    const std::size_t n = static_cast<std::size_t>(q_.cols());
    kind_[j] = support.size() == n ? All : support.size() > kMaxSupport ? Wide : Listed;
    if (kind_[j] == Listed) support_[j] = support;
    else std::vector<int>().swap(support_[j]);
  }
  // Query j after the keys in key_changed_ moved: 1 if its maximisers changed, 0 if not,
  // -1 if a score is not finite.
  int update_row(Eigen::Index j) {
    const double top = top_[j];
    const bool all = kind_[j] == All;
    std::vector<int>& support = support_[j];
    double best = top;
    fresh_.clear();
    for (int i : key_changed_) {
      const double s = score(j, i);
      if (!std::isfinite(s)) return -1;
      fresh_.push_back(s);
      best = std::max(best, s);
    }
    bool dropped = false;
    for (std::size_t c = 0; c < key_changed_.size() && !dropped; ++c)
      dropped = fresh_[c] < top && (all || std::binary_search(support.begin(), support.end(), key_changed_[c]));
    if (dropped) return full_row(j) ? 1 : -1;
    if (all && best == top) return 0;  // every score still equal to the top
    const std::size_t before = all ? 0 : support.size();
    if (best > top) support.clear();
    for (std::size_t c = 0; c < key_changed_.size(); ++c)
      if (fresh_[c] == best && !std::binary_search(support.begin(), support.end(), key_changed_[c]))
        support.insert(std::upper_bound(support.begin(), support.end(), key_changed_[c]), key_changed_[c]);
    top_[j] = best;
    const bool moved = best > top || support.size() != before;
    row_support_ = support;
    set_support(j, row_support_);
    return moved ? 1 : 0;
  }
  // out(:, j) from the maximisers of query j; rows whose every score ties share one result.
  void read_out(Eigen::Index j, const std::vector<int>& support) {
    const Eigen::Index n = q_.cols();
    const bool all = support.size() == static_cast<std::size_t>(n);
    if (all && all_ready_) {
      for (Eigen::Index r = 0; r < out_.rows(); ++r) out_(r, j) = out_(r, all_column_);
      return;
    }
    const double share = 1.0 / static_cast<double>(support.size());
    for (int i : support) zero_weights_[i] = share;
    for (Eigen::Index r = 0; r < out_.rows(); ++r)
      out_(r, j) = kernels::sparse_dot(zero_weights_.data(), support.data(), static_cast<int>(support.size()), v_.data() + r * n, n);
    for (int i : support) zero_weights_[i] = 0.0;
    if (all) all_ready_ = true, all_column_ = j;
  }

  enum Kind : char { Listed, All, Wide };  // how the maximisers of a query are kept
  Matrix<double> q_, k_, v_, in_, out_;  // in_: the rows of X the projections read (rows_), last loop
  std::vector<double> top_;
  std::vector<std::vector<int>> support_;  // sorted maximisers of each Listed query
  std::vector<Kind> kind_;                 // Wide: recomputed in full at every loop
  std::vector<int> row_support_, everything_;
  std::vector<int> rows_, input_changed_, key_changed_, value_changed_, query_changed_;
  std::vector<char> query_flag_;
  std::vector<std::uint64_t> differ_;
  std::vector<double> fresh_, zero_weights_;
  bool valid_ = false, all_ready_ = false;
  Eigen::Index all_column_ = 0;
};

}  // namespace loopcert::analysis::detail
