// The plain evaluator: the definition of the engine's results. Every punchcard's s x s
// scores are accumulated over the key dimension in order, each row is one softmax (or
// hardmax) at the alignment its row has in the score buffer, every read-out is one dot
// product, and the ReLU is applied entry by entry. The fast evaluator (tf/attention.hpp)
// must give the same bits; properties/engine_shortcuts.cpp compares the two. Kept as it
// was before the shortcuts, and used only through apply_layer_plain.
#pragma once
#include <numeric>

#include "tf/kernels/plain.hpp"
#include "tf/transformer.hpp"

namespace loopcert {

template <class T>
void LoopedTransformer<T>::attention_plain(const Layer<T>& layer, LayerWork& work, Matrix<T>& X, Eigen::Index columns) {
  if (layer.heads.empty()) return;
  const Eigen::Index n = X.cols();
  const Eigen::Index s = columns;  // columns of one punchcard; n / s punchcards side by side
  if (work.heads.size() != layer.heads.size()) work.heads.resize(layer.heads.size());
  // One row of plain_scores_ per punchcard, padded to a multiple of 64 bytes.
  const Eigen::Index unit = 64 / std::gcd<Eigen::Index>(64, sizeof(T));
  const Eigen::Index stride = (s * s + unit - 1) / unit * unit;
  if (plain_scores_.rows() != n / s || plain_scores_.cols() != stride) plain_scores_.resize(n / s, stride);
  for (std::size_t h = 0; h < layer.heads.size(); ++h) {
    const Head<T>& head = layer.heads[h];
    HeadWork& hw = work.heads[h];
    // Projections act column by column, so one pass serves every punchcard.
    detail::project(head.query, X, hw.qx, head.key_dim, false);
    detail::project(head.key, X, hw.kx, head.key_dim, false);
    detail::project(head.value, X, hw.vx, head.value.stored_rows(), true);
    const Eigen::Index dv = hw.vx.rows();
    if (hw.out.rows() != dv || hw.out.cols() != n) hw.out.resize(dv, n);
    // The scores of punchcard b: an s x s block at plain_scores_.row(b); entry (j, i) is the
    // score of key column i for query column j, accumulated over the key dimension in
    // order, and each row is one softmax. Every block starts at the alignment of the
    // buffer itself (Eigen's vectorised exp, max and sum depend on where a row starts),
    // so a batched punchcard is treated exactly as one on its own. All blocks are scored
    // first and normalised in one pass, so that independent rows can overlap.
    const Eigen::Index cards = n / s;
    auto block = [&](Eigen::Index b) { return plain_scores_.data() + b * plain_scores_.cols(); };
    plain_scores_.setZero();
    for (Eigen::Index b = 0; b < cards; ++b)
      for (int k = 0; k < head.key_dim; ++k) {
        const T* q = hw.qx.data() + k * n + b * s;
        const T* key = hw.kx.data() + k * n + b * s;
        for (Eigen::Index j = 0; j < s; ++j) detail::axpy(q[j], key, block(b) + j * s, s);
      }
    for (Eigen::Index b = 0; b < cards; ++b)
      for (Eigen::Index j = 0; j < s; ++j) {
        T* row = block(b) + j * s;
        if (mode_ == AttentionMode::Softmax) {
          if constexpr (ScalarTraits<T>::has_exp) detail::softmax_row(row, s, layer.lambda);
        } else {
          detail::hardmax_row(row, s);
        }
      }
    // out(r, j) = sum_i V(r, i) P(i, j): one dot product per (value row, query column).
    // (Eigen's dot of two maps loads unaligned from the first entry, so its partial sums
    // do not depend on where the punchcard starts in the batch.)
    for (Eigen::Index r = 0; r < dv; ++r)
      for (Eigen::Index b = 0; b < cards; ++b)
        for (Eigen::Index j = 0; j < s; ++j) hw.out(r, b * s + j) = detail::dot(hw.vx.data() + r * n + b * s, block(b) + j * s, s);
  }
  // Every head read the same X; only now add their outputs.
  for (std::size_t h = 0; h < layer.heads.size(); ++h) {
    const auto& rows = layer.heads[h].value.out_row;
    for (std::size_t k = 0; k < rows.size(); ++k) detail::axpy(T(1), work.heads[h].out.data() + k * n, X.data() + rows[k] * n, n);
  }
}

template <class T>
void LoopedTransformer<T>::feed_forward_plain(const Layer<T>& layer, LayerWork& work, Matrix<T>& X) {
  if (layer.hidden == 0 && layer.b2.empty()) return;
  const Eigen::Index n = X.cols();
  Matrix<T>& hidden = work.hidden;
  if (hidden.rows() != layer.hidden || hidden.cols() != n) hidden.resize(layer.hidden, n);
  for (int u = 0; u < layer.hidden; ++u) hidden.row(u).setConstant(layer.b1[u]);
  for (int k = 0; k < layer.w1.stored_rows(); ++k) {
    T* row = hidden.data() + layer.w1.out_row[k] * n;
    for (int e = layer.w1.start[k]; e < layer.w1.start[k + 1]; ++e) detail::axpy(layer.w1.val[e], X.data() + layer.w1.col[e] * n, row, n);
  }
  const T zero = T(0);
  T* h = hidden.data();
  for (Eigen::Index i = 0; i < hidden.size(); ++i)
    if (h[i] < zero) h[i] = zero;  // relu; a NaN stays NaN so overflow is seen
  for (int k = 0; k < layer.w2.stored_rows(); ++k) {
    T* row = X.data() + layer.w2.out_row[k] * n;
    for (int e = layer.w2.start[k]; e < layer.w2.start[k + 1]; ++e) detail::axpy(layer.w2.val[e], hidden.data() + layer.w2.col[e] * n, row, n);
  }
  for (const auto& [r, b] : layer.b2) X.row(r).array() += b;
}

}  // namespace loopcert
