// The fast evaluator: the plain evaluator's results (tf/plain_evaluator.hpp) bit for bit,
// with four exact shortcuts and O(n) scratch instead of an n x n score buffer.
//
// Scores are computed one query row at a time, in a row buffer placed at the alignment
// the row has in the plain evaluator's buffer (Eigen's vectorised exp, max and sum give
// results that depend on where a row starts), by the same axpy sequence, then normalised
// by the same softmax_row / hardmax_row and read out by the same dot. The shortcuts, for
// punchcards of at least kShortcutColumns columns (narrower ones run the plain evaluator):
//  1. Equal queries: a query column whose query entries are identical to an earlier
//     column's (and whose row has the same alignment) has the same scores, weights and
//     read-out: it is copied. (A SUBLEQ read head: 255 of 256 columns query 0.)
//  2. Uniform rows: a row whose scores are all identical and finite becomes, in the plain
//     softmax, s times exp(+0) = 1 divided by their sum; in hardmax, 1 / s. That is the
//     plain normalisation of a row of zeros at the same alignment, computed once per
//     punchcard with its read-out, and copied to every uniform row.
//  3. Repeated exps: the same argument gives the same exp (kernels/softmax.hpp).
//  4. Zero factors: a value row that is +0 outside a few entries is read out through
//     those entries (kernels/sparse_dot.hpp), when every weight of the row is finite
//     and not negative, so that each skipped product is exactly +0.
#pragma once
#include <algorithm>
#include <cstdint>

#include "tf/kernels/plain.hpp"
#include "tf/kernels/rows.hpp"
#include "tf/kernels/rows_combine.hpp"
#include "tf/kernels/softmax.hpp"
#include "tf/kernels/sparse_dot.hpp"
#include "core/parallel_for.hpp"
#include "tf/transformer.hpp"

namespace loopcert {

template <class Carrier>
class NarrowScalar;

namespace detail {
// Below this many columns per punchcard the shortcuts cost more than they save (the
// sigmoid block's punchcards have 2).
inline constexpr Eigen::Index kShortcutColumns = 16;
// A value row is read out through its live entries when they are at most 1/4 of the row.
inline constexpr int kSparseValueRatio = 4;
// set_threads: a head's distinct query rows are shared out when there are at least this
// many (fewer cost less than starting the threads); NarrowMpfr stays on one thread.
inline constexpr std::size_t kParallelQueries = 128;
template <class T>
inline constexpr bool kParallelSafe = true;
template <class Carrier>
inline constexpr bool kParallelSafe<NarrowScalar<Carrier>> = false;

template <class T>
inline void set_zero(T& x) {
  if constexpr (std::is_same_v<T, MpfrReal>) mpfr_set_zero(x.raw(), 1);
  else x = T(0);
}

// Where in `buffer` a row must start so that its address agrees, modulo the vector
// alignment, with an address `offset` entries past an aligned one (only types that Eigen
// vectorises care; others start at 0).
template <class T>
inline Eigen::Index aligned_like(const T* buffer, Eigen::Index offset) {
  constexpr int lanes = kernels::reduction_lanes<T>();
  if constexpr (lanes == 1 || EIGEN_MAX_ALIGN_BYTES % sizeof(T) != 0) {
    return 0;
  } else {
    constexpr Eigen::Index units = EIGEN_MAX_ALIGN_BYTES / sizeof(T);
    const Eigen::Index have = static_cast<Eigen::Index>(reinterpret_cast<std::uintptr_t>(buffer) % EIGEN_MAX_ALIGN_BYTES / sizeof(T));
    return ((offset - have) % units + units) % units;
  }
}
// detail::project with the entries of each stored row combined in registers (float and
// double; the other types keep their own axpy kernels).
template <class T>
void project_fast(const SparseRows<T>& m, const Matrix<T>& X, Matrix<T>& out, int out_rows, bool compact) {
  if constexpr (!std::is_floating_point_v<T> || std::is_same_v<T, long double>) {
    project(m, X, out, out_rows, compact);
  } else {
    const Eigen::Index n = X.cols();
    if (out.rows() != out_rows || out.cols() != n) out.resize(out_rows, n);
    out.setZero();
    for (int k = 0; k < m.stored_rows(); ++k)
      kernels::combine_rows(m.val.data() + m.start[k], m.col.data() + m.start[k], m.start[k + 1] - m.start[k], X.data(), n,
                            out.data() + (compact ? k : m.out_row[k]) * n);
  }
}
// The entries of stored row k of m added into row out_row[k] of y.
template <class T>
void add_rows(const SparseRows<T>& m, const T* src, Eigen::Index n, T* y) {
  for (int k = 0; k < m.stored_rows(); ++k) {
    T* row = y + m.out_row[k] * n;
    if constexpr (std::is_floating_point_v<T> && !std::is_same_v<T, long double>) {
      kernels::combine_rows(m.val.data() + m.start[k], m.col.data() + m.start[k], m.start[k + 1] - m.start[k], src, n, row);
    } else {
      for (int e = m.start[k]; e < m.start[k + 1]; ++e) detail::axpy(m.val[e], src + m.col[e] * n, row, n);
    }
  }
}
template <class T>
inline constexpr Eigen::Index alignment_units() {
  if constexpr (kernels::reduction_lanes<T>() == 1 || EIGEN_MAX_ALIGN_BYTES % sizeof(T) != 0) return 1;
  else return EIGEN_MAX_ALIGN_BYTES / sizeof(T);
}
}  // namespace detail

template <class T>
void LoopedTransformer<T>::attention(const Layer<T>& layer, LayerWork& work, Matrix<T>& X, Eigen::Index columns) {
  if (layer.heads.empty()) return;
  // Punchcards narrower than kShortcutColumns (the sigmoid block's have 2): the plain
  // evaluator itself, whose score blocks of s x s per punchcard are only s < 16 entries
  // per column, and whose per-head cost is lower than the row-by-row setup below.
  if (columns < detail::kShortcutColumns) return attention_plain(layer, work, X, columns);
  const Eigen::Index n = X.cols();
  if (work.heads.size() != layer.heads.size()) work.heads.resize(layer.heads.size());
  for (std::size_t h = 0; h < layer.heads.size(); ++h) {
    const Head<T>& head = layer.heads[h];
    HeadWork& hw = work.heads[h];
    detail::project_fast(head.query, X, hw.qx, head.key_dim, false);
    detail::project_fast(head.key, X, hw.kx, head.key_dim, false);
    detail::project_fast(head.value, X, hw.vx, head.value.stored_rows(), true);
    if (hw.out.rows() != hw.vx.rows() || hw.out.cols() != n) hw.out.resize(hw.vx.rows(), n);
    for (Eigen::Index first = 0; first < n; first += columns) attend_card(layer, head, hw, first, columns);
  }
  // Every head read the same X; only now add their outputs.
  for (std::size_t h = 0; h < layer.heads.size(); ++h) {
    const auto& rows = layer.heads[h].value.out_row;
    for (std::size_t k = 0; k < rows.size(); ++k) detail::axpy(T(1), work.heads[h].out.data() + k * n, X.data() + rows[k] * n, n);
  }
}

namespace detail {

// Shortcut 4: the live entries (not +0) of each of the dv value rows of one punchcard
// (row r at values + r * n, s entries), kept for the rows that are at most 1/4 live.
// Returns whether any row is sparse.
template <class T, class Scratch>
inline bool find_live_entries(Scratch& w, const T* values, Eigen::Index n, Eigen::Index dv, Eigen::Index s) {
  w.live.clear();
  w.live_start.assign(1, 0);
  w.sparse.assign(dv, 0);
  const Eigen::Index limit = s / kSparseValueRatio;
  for (Eigen::Index r = 0; r < dv; ++r) {
    const T* v = values + r * n;
    const std::size_t begin = w.live.size();
    for (Eigen::Index i = 0; i < s && static_cast<Eigen::Index>(w.live.size() - begin) <= limit; ++i)
      if (!kernels::is_plus_zero(v[i])) w.live.push_back(static_cast<int>(i));
    w.sparse[r] = static_cast<Eigen::Index>(w.live.size() - begin) <= limit;
    if (!w.sparse[r]) w.live.resize(begin);
    w.live_start.push_back(static_cast<int>(w.live.size()));
  }
  return std::find(w.sparse.begin(), w.sparse.end(), 1) != w.sparse.end();
}

// The read-out of one weight row: out[r * stride] = value row r . weights, through the
// live entries where every skipped product is exactly +0 (shortcut 4). Called per query
// row: always inlined, as the lambda it was (bench/engine_scaling).
template <class T, class Scratch>
[[gnu::always_inline]] inline void read_out(const Scratch& w, bool any_sparse, const T* values, Eigen::Index n, Eigen::Index dv, const T* weights, Eigen::Index s,
              T* out, Eigen::Index stride) {
  bool plus_zero_products = any_sparse;
  for (Eigen::Index i = 0; i < s && any_sparse; ++i) plus_zero_products &= kernels::times_plus_zero_is_plus_zero(weights[i]);
  for (Eigen::Index r = 0; r < dv; ++r) {
    const T* v = values + r * n;
    const int* live = w.live.data() + w.live_start[r];
    out[r * stride] = plus_zero_products && w.sparse[r] ? kernels::sparse_dot(v, live, w.live_start[r + 1] - w.live_start[r], weights, s)
                                                       : dot(v, weights, s);
  }
}

// Shortcut 1: an earlier query column of the punchcard with identical query entries and
// the same row alignment `offset` (then j's read-out is a copy of it), or -1 after
// entering j in the table (`slots` entries, a power of two; queries(k, j) = qx(k, first + j)).
template <class T, class Scratch>
[[gnu::always_inline]] inline int find_equal_query(Scratch& w, std::size_t slots, const Matrix<T>& qx, int kd, Eigen::Index first, Eigen::Index j,
                     Eigen::Index s, Eigen::Index offset) {
  constexpr Eigen::Index units = alignment_units<T>();
  std::uint64_t hash = static_cast<std::uint64_t>(offset) * 0x9e3779b97f4a7c15ull;
  for (int k = 0; k < kd; ++k) hash = (hash ^ kernels::hash_entry(qx(k, first + j))) * 0x100000001b3ull;
  std::size_t slot = hash & (slots - 1);
  for (; w.table[slot] != -1; slot = (slot + 1) & (slots - 1)) {
    const int other = w.table[slot];
    if (other * s % units != offset) continue;
    bool equal = true;
    for (int k = 0; k < kd && equal; ++k) equal = kernels::identical(qx(k, first + other), qx(k, first + j));
    if (equal) return other;
  }
  w.table[slot] = static_cast<int>(j);
  return -1;
}

}  // namespace detail

// One head on the punchcard of columns [first, first + s): the distinct queries first
// (shortcut 1, in column order), then their rows, on several threads when there are many
// (each row's result depends only on its own operands), then the copies.
template <class T>
void LoopedTransformer<T>::attend_card(const Layer<T>& layer, const Head<T>& head, HeadWork& hw, Eigen::Index first, Eigen::Index s) {
  const Eigen::Index dv = hw.vx.rows();
  constexpr Eigen::Index units = detail::alignment_units<T>();
  AttentionScratch& w = scratch_;
  const bool any_sparse = detail::find_live_entries(w, hw.vx.data() + first, hw.qx.cols(), dv, s);
  std::size_t slots = 1;
  while (slots < 2 * static_cast<std::size_t>(s)) slots *= 2;
  w.table.assign(slots, -1);
  w.distinct.clear();
  w.copy_of.resize(s);
  for (Eigen::Index j = 0; j < s; ++j) {
    w.copy_of[j] = detail::find_equal_query(w, slots, hw.qx, head.key_dim, first, j, s, j * s % units);
    if (w.copy_of[j] < 0) w.distinct.push_back(static_cast<int>(j));
  }
  const int threads = detail::kParallelSafe<T> && w.distinct.size() >= detail::kParallelQueries ? threads_ : 1;
  if (w.threads.size() < static_cast<std::size_t>(threads)) w.threads.resize(threads);
  if (threads == 1) {
    attend_queries(layer, hw, w.threads[0], any_sparse, first, s, w.distinct.data(), w.distinct.size());
  } else {
    const std::size_t per = (w.distinct.size() + threads - 1) / threads;
    const long precision = MpfrPrecisionScope::current();
    parallel_for(threads, threads, [&](std::size_t t) {
      MpfrPrecisionScope scope(precision);  // MPFR's default precision is per thread
      const std::size_t from = std::min(w.distinct.size(), t * per), to = std::min(w.distinct.size(), from + per);
      attend_queries(layer, hw, w.threads[t], any_sparse, first, s, w.distinct.data() + from, to - from);
    });
  }
  for (Eigen::Index j = 0; j < s; ++j)
    if (const int same = w.copy_of[j]; same >= 0)
      for (Eigen::Index r = 0; r < dv; ++r) hw.out(r, first + j) = hw.out(r, first + same);
}

// The rows of the given query columns (distinct ones): scores, weights, read-out.
template <class T>
void LoopedTransformer<T>::attend_queries(const Layer<T>& layer, HeadWork& hw, QueryScratch& q, bool any_sparse, Eigen::Index first,
                                          Eigen::Index s, const int* queries, std::size_t count) {
  const Eigen::Index n = hw.qx.cols(), dv = hw.vx.rows();
  const int kd = static_cast<int>(hw.qx.rows());
  constexpr Eigen::Index units = detail::alignment_units<T>();
  const AttentionScratch& w = scratch_;
  if (q.row.size() < s + units) q.row.resize(s + units);
  const T* values = hw.vx.data() + first;
  auto normalise = [&](T* row) {
    if (mode_ == AttentionMode::Softmax) {
      if constexpr (ScalarTraits<T>::has_exp) kernels::softmax_row_repeat(row, s, layer.lambda);
    } else {
      detail::hardmax_row(row, s);
    }
  };
  if (q.uniform_out.rows() != units || q.uniform_out.cols() != dv) q.uniform_out.resize(units, dv);
  q.uniform_ready.assign(units, 0);
  for (std::size_t c = 0; c < count; ++c) {
    const Eigen::Index j = queries[c];
    const Eigen::Index offset = j * s % units;  // the row's place in the plain score buffer, modulo the alignment
    T* row = q.row.data() + detail::aligned_like(q.row.data(), offset);
    for (Eigen::Index i = 0; i < s; ++i) detail::set_zero(row[i]);
    for (int k = 0; k < kd; ++k) detail::axpy(hw.qx(k, first + j), hw.kx.data() + k * n + first, row, s);
    // Shortcut 2: a uniform finite row reads out as the punchcard's row of zeros.
    if (kernels::all_identical(row, s) &&
        ScalarTraits<T>::is_finite(mode_ == AttentionMode::Softmax ? T(row[0] * layer.lambda) : row[0])) {
      if (!q.uniform_ready[offset]) {
        for (Eigen::Index i = 0; i < s; ++i) detail::set_zero(row[i]);
        normalise(row);
        detail::read_out(w, any_sparse, values, n, dv, row, s, q.uniform_out.data() + offset * dv, 1);
        q.uniform_ready[offset] = 1;
      }
      for (Eigen::Index r = 0; r < dv; ++r) hw.out(r, first + j) = q.uniform_out(offset, r);
      continue;
    }
    normalise(row);
    detail::read_out(w, any_sparse, values, n, dv, row, s, hw.out.data() + first + j, n);
  }
}

}  // namespace loopcert
