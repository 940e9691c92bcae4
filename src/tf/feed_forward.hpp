// The fast evaluator's feed-forward: the plain feed-forward's results
// (feed_forward_plain, tf/plain_evaluator.hpp) bit for bit, with one exact shortcut.
//
// Equal columns: the feed-forward acts column by column, and what column j's output
// depends on is its entries in the rows the layer reads (W1's columns) and in the rows
// it writes (the residual adds to them). Two columns identical in those rows (same value
// and sign of zero, no NaN: kernels::identical) get the same operations on the same
// operands, so the same bits. The distinct columns are gathered (only those rows), the
// feed-forward runs on them with the plain kernels and weights renumbered to the
// gathered rows, and each written row is scattered back. In a SUBLEQ loop most columns
// agree on the rows a layer reads (at n = 256: 2 to 56 distinct columns of 256), so the
// feed-forward costs a hash of a few rows per column instead of its hundreds of
// multiply-adds. Used when at most half the columns are distinct and the punchcard has
// at least kShortcutColumns columns; else the full pass below.
// Property: properties/engine_shortcuts.cpp (random layers on punchcards of repeated
// columns, with inf, NaN and -0 entries; SUBLEQ loops), with a negative check.
#pragma once
#include <algorithm>
#include <bit>
#include <set>

#include "tf/attention.hpp"

namespace loopcert {

namespace detail {

// Relu in place: a NaN and a -0 stay as they are, as in the plain branch.
template <class T>
void relu(Matrix<T>& hidden) {
  const T zero = T(0);
  T* h = hidden.data();
  if constexpr (std::is_floating_point_v<T>) {
    for (Eigen::Index i = 0; i < hidden.size(); ++i) h[i] = h[i] < zero ? zero : h[i];  // a select, which vectorises
  } else {
    for (Eigen::Index i = 0; i < hidden.size(); ++i)
      if (h[i] < zero) h[i] = zero;
  }
}

// hidden = relu(b1 + W1 src); then W2 hidden added into y, then b2 (rows of src and y:
// n entries each, rows numbered as the weights number them).
template <class T>
void ffn_pass(const Layer<T>& layer, const SparseRows<T>& w1, const SparseRows<T>& w2, const std::vector<std::pair<int, T>>& b2,
              const T* src, Eigen::Index n, Matrix<T>& hidden, Matrix<T>& y) {
  if (hidden.rows() != layer.hidden || hidden.cols() != n) hidden.resize(layer.hidden, n);
  for (int u = 0; u < layer.hidden; ++u) hidden.row(u).setConstant(layer.b1[u]);
  add_rows(w1, src, n, hidden.data());
  relu(hidden);
  add_rows(w2, hidden.data(), n, y.data());
  for (const auto& [r, b] : b2) y.row(r).array() += b;
}

template <class T>
bool dedup_allowed(const Matrix<T>& X) {
  if constexpr (std::is_same_v<T, MpfrReal>) return X(0, 0).precision() == MpfrPrecisionScope::current();  // gathered entries get it
  else return true;
}

}  // namespace detail

template <class T>
void LoopedTransformer<T>::plan_feed_forward(const Layer<T>& layer, FfnPlan& plan) {
  std::set<int> rows(layer.w1.col.begin(), layer.w1.col.end()), out(layer.w2.out_row.begin(), layer.w2.out_row.end());
  for (const auto& [r, b] : layer.b2) out.insert(r);
  rows.insert(out.begin(), out.end());
  plan.rows.assign(rows.begin(), rows.end());
  auto local = [&](int r) { return static_cast<int>(std::lower_bound(plan.rows.begin(), plan.rows.end(), r) - plan.rows.begin()); };
  for (int r : out) plan.written.push_back(local(r));
  plan.w1 = layer.w1;
  for (int& c : plan.w1.col) c = local(c);
  plan.w2 = layer.w2;
  for (int& r : plan.w2.out_row) r = local(r);
  for (const auto& [r, b] : layer.b2) plan.b2.emplace_back(local(r), b);
  plan.ready = true;
}

// The distinct columns of X in the plan's rows (FfnPlan::reps), and each column's
// representative (source); false as soon as more than half are distinct. Columns are
// grouped by a hash of their entries; for float and double the groups are then checked
// row by row (every entry's bits equal to its representative's, and no NaN), else each
// candidate is compared entry by entry (kernels::identical) as it is found.
template <class T>
bool LoopedTransformer<T>::distinct_columns(const Matrix<T>& X, FfnPlan& p) {
  constexpr bool bitwise = std::is_same_v<T, double> || std::is_same_v<T, float>;
  const Eigen::Index n = X.cols();
  // Rotate and xor per entry (vectorises), one mixing multiply per column.
  p.hash.assign(n, 0);
  int turn = 0;
  for (int r : p.rows) {
    const T* x = X.data() + r * n;
    turn = (turn + 23) & 63;
    for (Eigen::Index j = 0; j < n; ++j) p.hash[j] ^= std::rotl(kernels::entry_bits(x[j]), turn);
  }
  for (Eigen::Index j = 0; j < n; ++j) p.hash[j] = kernels::mix(p.hash[j]);
  std::size_t slots = 1;
  while (slots < 2 * static_cast<std::size_t>(n)) slots *= 2;
  p.table.assign(slots, -1);
  p.reps.clear();
  p.source.resize(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    std::size_t slot = p.hash[j] & (slots - 1);
    int found = -1;
    for (; p.table[slot] != -1 && found < 0; slot = (slot + 1) & (slots - 1)) {
      const int rep = p.reps[p.table[slot]];
      bool equal = p.hash[rep] == p.hash[j];
      if constexpr (!bitwise)
        for (std::size_t k = 0; k < p.rows.size() && equal; ++k) equal = kernels::identical(X(p.rows[k], rep), X(p.rows[k], j));
      if (equal) found = p.table[slot];
    }
    if (found < 0) {
      if (2 * (p.reps.size() + 1) > static_cast<std::size_t>(n)) return false;
      found = static_cast<int>(p.reps.size());
      p.table[slot] = found;
      p.reps.push_back(static_cast<int>(j));
    }
    p.source[j] = found;
  }
  if constexpr (bitwise) {
    using Bits = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;
    p.rep_of.resize(n);
    for (Eigen::Index j = 0; j < n; ++j) p.rep_of[j] = p.reps[p.source[j]];
    Bits differ = 0;
    bool nan = false;
    for (int r : p.rows) {
      const T* x = X.data() + r * n;
      for (Eigen::Index j = 0; j < n; ++j) {
        differ |= std::bit_cast<Bits>(x[j]) ^ std::bit_cast<Bits>(x[p.rep_of[j]]);
        nan |= x[j] != x[j];
      }
    }
    if (differ != 0 || nan) return false;  // a hash collision (or a NaN): the full pass
  }
  return true;
}

template <class T>
void LoopedTransformer<T>::feed_forward(const Layer<T>& layer, LayerWork& work, Matrix<T>& X) {
  if (layer.hidden == 0 && layer.b2.empty()) return;
  FfnPlan& p = work.ffn;
  if (!p.ready) plan_feed_forward(layer, p);
  if (X.cols() < detail::kShortcutColumns || !detail::dedup_allowed(X) || !distinct_columns(X, p))
    return detail::ffn_pass(layer, layer.w1, layer.w2, layer.b2, X.data(), X.cols(), work.hidden, X);
  const Eigen::Index n = X.cols(), u = static_cast<Eigen::Index>(p.reps.size());
  if (p.in.rows() != static_cast<Eigen::Index>(p.rows.size()) || p.in.cols() != u) p.in.resize(static_cast<Eigen::Index>(p.rows.size()), u);
  for (std::size_t k = 0; k < p.rows.size(); ++k)
    for (Eigen::Index i = 0; i < u; ++i) p.in(k, i) = X(p.rows[k], p.reps[i]);
  detail::ffn_pass(layer, p.w1, p.w2, p.b2, p.in.data(), u, p.hidden, p.in);
  for (int k : p.written) {
    T* x = X.data() + p.rows[k] * n;
    const T* from = p.in.data() + k * u;
    for (Eigen::Index j = 0; j < n; ++j) x[j] = from[p.source[j]];
  }
}

}  // namespace loopcert
