// Template definitions of tf/transformer.hpp. Included only by the few .cpp files that
// instantiate them for each scalar type (keeps MPFR and Eigen's kernels out of every
// other translation unit).
#pragma once
#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include <boost/multiprecision/eigen.hpp>

#include "tf/transformer.hpp"

namespace loopcert {

template <class T>
SparseRows<T> compress(const SparseSpec& spec) {
  std::map<int, std::vector<const SparseEntry*>> by_row;
  for (const auto& e : spec.entries) by_row[e.row].push_back(&e);  // keeps insertion order per row
  SparseRows<T> out;
  out.start.push_back(0);
  for (const auto& [row, entries] : by_row) {
    out.out_row.push_back(row);
    for (const auto* e : entries) {
      out.col.push_back(e->col);
      out.val.push_back(ScalarTraits<T>::from_rational(e->value));
    }
    out.start.push_back(static_cast<int>(out.col.size()));
  }
  return out;
}

template <class T>
Layer<T> instantiate_layer(const LayerSpec& spec) {
  return instantiate_layer<T>(spec, spec.lambda);
}

template <class T>
Layer<T> instantiate_layer(const LayerSpec& spec, const Rational& lambda) {
  Layer<T> layer;
  layer.name = spec.name;
  layer.lambda = ScalarTraits<T>::from_rational(spec.scale == ScoreScale::RunTemperature ? lambda : spec.lambda);
  for (const auto& h : spec.heads) {
    Head<T> head;
    head.name = h.name;
    head.key_dim = h.key_dim;
    head.query = compress<T>(h.query);
    head.key = compress<T>(h.key);
    head.value = compress<T>(h.value);
    layer.heads.push_back(std::move(head));
  }
  layer.hidden = spec.ffn.hidden;
  layer.w1 = compress<T>(spec.ffn.w1);
  for (const auto& b : spec.ffn.b1) layer.b1.push_back(ScalarTraits<T>::from_rational(b));
  layer.w2 = compress<T>(spec.ffn.w2);
  for (const auto& [row, b] : spec.ffn.b2) layer.b2.emplace_back(row, ScalarTraits<T>::from_rational(b));
  return layer;
}

template <class T>
LoopedTransformer<T> instantiate(const LoopSpec& spec, AttentionMode mode) {
  std::vector<Layer<T>> layers;
  for (const auto& l : spec.layers) layers.push_back(instantiate_layer<T>(l));
  return LoopedTransformer<T>(std::move(layers), spec.d, mode);
}

template <class T>
LoopedTransformer<T> instantiate(const LoopSpec& spec, AttentionMode mode, const Rational& lambda) {
  std::vector<Layer<T>> layers;
  for (const auto& l : spec.layers) layers.push_back(instantiate_layer<T>(l, lambda));
  return LoopedTransformer<T>(std::move(layers), spec.d, mode);
}

template <class T>
Matrix<T> to_scalar(const Matrix<Rational>& X) {
  Matrix<T> out(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) out(i, j) = ScalarTraits<T>::from_rational(X(i, j));
  return out;
}

template <class T>
LoopedTransformer<T>::LoopedTransformer(std::vector<Layer<T>> layers, int d, AttentionMode mode)
    : layers_(std::move(layers)), d_(d), mode_(mode) {
  if constexpr (!ScalarTraits<T>::has_exp)
    if (mode == AttentionMode::Softmax)
      throw std::invalid_argument("softmax attention needs exp; exact scalars run with hardmax attention");
}

namespace detail {
// y += a * x over n entries (rows of a row-major matrix are contiguous). Plain loops:
// Eigen block expressions cost more than the arithmetic at the sizes of a punchcard.
template <class T>
inline void axpy(const T& a, const T* x, T* y, Eigen::Index n) {
  for (Eigen::Index j = 0; j < n; ++j) y[j] += a * x[j];
}
// The same two roundings per entry (product, then sum) without a temporary number per
// entry: MPFR and GMP values allocate, and allocation would dominate the run.
inline void axpy(const MpfrReal& a, const MpfrReal* x, MpfrReal* y, Eigen::Index n) {
  MpfrReal product;
  for (Eigen::Index j = 0; j < n; ++j) {
    mpfr_mul(product.raw(), a.raw(), x[j].raw(), MPFR_RNDN);
    mpfr_add(y[j].raw(), y[j].raw(), product.raw(), MPFR_RNDN);
  }
}
inline void axpy(const Rational& a, const Rational* x, Rational* y, Eigen::Index n) {
  if (a == 0) return;  // exact: adding 0 * x changes nothing
  Rational product;
  for (Eigen::Index j = 0; j < n; ++j) {
    if (x[j] == 0) continue;
    mpq_mul(product.backend().data(), a.backend().data(), x[j].backend().data());
    mpq_add(y[j].backend().data(), y[j].backend().data(), product.backend().data());
  }
}

// sum_i a_i b_i. Eigen's dot for float and double (vectorised partial sums); in order,
// without temporaries, for MPFR and rationals.
template <class T>
inline T dot(const T* a, const T* b, Eigen::Index n) {
  return Eigen::Map<const Vector<T>>(a, n).dot(Eigen::Map<const Vector<T>>(b, n));
}
inline MpfrReal dot(const MpfrReal* a, const MpfrReal* b, Eigen::Index n) {
  MpfrReal sum(0), product;
  for (Eigen::Index i = 0; i < n; ++i) {
    mpfr_mul(product.raw(), a[i].raw(), b[i].raw(), MPFR_RNDN);
    mpfr_add(sum.raw(), sum.raw(), product.raw(), MPFR_RNDN);
  }
  return sum;
}
inline Rational dot(const Rational* a, const Rational* b, Eigen::Index n) {
  Rational sum(0);
  for (Eigen::Index i = 0; i < n; ++i)
    if (a[i] != 0 && b[i] != 0) sum += a[i] * b[i];
  return sum;
}

// Stable softmax of one row of scores, in place: scale by lambda, subtract the maximum,
// exp, normalise. Rows of at least kVectorSoftmaxRow entries use Eigen's array functions,
// which vectorise this for float and double (Eigen's exp is accurate to about 1 ulp);
// shorter rows (the sigmoid block's punchcards have 2) use plain loops with the scalar
// exp and an in-order sum, since Eigen's dispatch costs more than the arithmetic there.
inline constexpr Eigen::Index kVectorSoftmaxRow = 8;
template <class T>
inline void softmax_row(T* scores, Eigen::Index n, const T& lambda) {
  if (n < kVectorSoftmaxRow) {
    using std::exp;
    T top = scores[0] = scores[0] * lambda;
    for (Eigen::Index i = 1; i < n; ++i) {
      scores[i] = scores[i] * lambda;
      if (top < scores[i]) top = scores[i];
    }
    // The maximum's own entry is exp(0) = 1 exactly in every exp we use, so it is not
    // computed (half the exps of a two-column row); a NaN or inf - inf still goes to exp.
    for (Eigen::Index i = 0; i < n; ++i) {
      const T shifted = scores[i] - top;
      scores[i] = shifted == T(0) ? T(1) : exp(shifted);
    }
    T total = scores[0];
    for (Eigen::Index i = 1; i < n; ++i) total = total + scores[i];
    for (Eigen::Index i = 0; i < n; ++i) scores[i] = scores[i] / total;
    return;
  }
  auto row = Eigen::Map<Eigen::Array<T, 1, Eigen::Dynamic>>(scores, n);
  row *= lambda;
  const T top = row.maxCoeff();
  row = (row - top).exp();
  const T total = row.sum();
  row /= total;
}
inline void softmax_row(MpfrReal* s, Eigen::Index n, const MpfrReal& lambda) {
  MpfrReal top;
  for (Eigen::Index i = 0; i < n; ++i) {
    mpfr_mul(s[i].raw(), s[i].raw(), lambda.raw(), MPFR_RNDN);
    if (i == 0 || s[i] > top) mpfr_set(top.raw(), s[i].raw(), MPFR_RNDN);
  }
  MpfrReal total(0);
  for (Eigen::Index i = 0; i < n; ++i) {
    mpfr_sub(s[i].raw(), s[i].raw(), top.raw(), MPFR_RNDN);
    mpfr_exp(s[i].raw(), s[i].raw(), MPFR_RNDN);
    mpfr_add(total.raw(), total.raw(), s[i].raw(), MPFR_RNDN);
  }
  for (Eigen::Index i = 0; i < n; ++i) mpfr_div(s[i].raw(), s[i].raw(), total.raw(), MPFR_RNDN);
}

// Hardmax of one row of scores, in place: uniform weight on the maximisers (exact over
// rationals).
template <class T>
inline void hardmax_row(T* scores, Eigen::Index n) {
  auto row = Eigen::Map<Eigen::Array<T, 1, Eigen::Dynamic>>(scores, n);
  const T top = row.maxCoeff();
  int ties = 0;
  for (Eigen::Index i = 0; i < n; ++i) ties += (row(i) == top) ? 1 : 0;
  const T share = T(1) / T(ties);
  for (Eigen::Index i = 0; i < n; ++i) row(i) = (row(i) == top) ? share : T(0);
}

// out.row(k) = sum of val * X.row(col) over the entries of stored row k; `compact`
// stores row k at index k, otherwise at out_row[k] (other rows are zero).
template <class T>
void project(const SparseRows<T>& m, const Matrix<T>& X, Matrix<T>& out, int out_rows, bool compact) {
  const Eigen::Index n = X.cols();
  if (out.rows() != out_rows || out.cols() != n) out.resize(out_rows, n);
  out.setZero();
  for (int k = 0; k < m.stored_rows(); ++k) {
    T* row = out.data() + (compact ? k : m.out_row[k]) * n;
    for (int e = m.start[k]; e < m.start[k + 1]; ++e) axpy(m.val[e], X.data() + m.col[e] * n, row, n);
  }
}
}  // namespace detail

template <class T>
void LoopedTransformer<T>::attention(const Layer<T>& layer, LayerWork& work, Matrix<T>& X, Eigen::Index columns) {
  if (layer.heads.empty()) return;
  const Eigen::Index n = X.cols();
  const Eigen::Index s = columns;  // columns of one punchcard; n / s punchcards side by side
  if (work.heads.size() != layer.heads.size()) work.heads.resize(layer.heads.size());
  // One row of scores_ per punchcard, padded to a multiple of 64 bytes.
  const Eigen::Index unit = 64 / std::gcd<Eigen::Index>(64, sizeof(T));
  const Eigen::Index stride = (s * s + unit - 1) / unit * unit;
  if (scores_.rows() != n / s || scores_.cols() != stride) scores_.resize(n / s, stride);
  for (std::size_t h = 0; h < layer.heads.size(); ++h) {
    const Head<T>& head = layer.heads[h];
    HeadWork& hw = work.heads[h];
    // Projections act column by column, so one pass serves every punchcard.
    detail::project(head.query, X, hw.qx, head.key_dim, false);
    detail::project(head.key, X, hw.kx, head.key_dim, false);
    detail::project(head.value, X, hw.vx, head.value.stored_rows(), true);
    const Eigen::Index dv = hw.vx.rows();
    if (hw.out.rows() != dv || hw.out.cols() != n) hw.out.resize(dv, n);
    // The scores of punchcard b: an s x s block at scores_.row(b); entry (j, i) is the
    // score of key column i for query column j, accumulated over the key dimension in
    // order, and each row is one softmax. Every block starts at the alignment of the
    // buffer itself (Eigen's vectorised exp, max and sum depend on where a row starts),
    // so a batched punchcard is treated exactly as one on its own. All blocks are scored
    // first and normalised in one pass, so that independent rows can overlap.
    const Eigen::Index cards = n / s;
    auto block = [&](Eigen::Index b) { return scores_.data() + b * scores_.cols(); };
    scores_.setZero();
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
void LoopedTransformer<T>::feed_forward(const Layer<T>& layer, LayerWork& work, Matrix<T>& X) {
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

template <class T>
void LoopedTransformer<T>::apply_layer(int layer, Matrix<T>& X) {
  if (X.rows() != d_) throw std::invalid_argument("punchcard has " + std::to_string(X.rows()) + " rows, the transformer " + std::to_string(d_));
  if (work_.size() != layers_.size()) work_.resize(layers_.size());
  attention(layers_[layer], work_[layer], X, X.cols());
  feed_forward(layers_[layer], work_[layer], X);
}

template <class T>
void LoopedTransformer<T>::apply_layer_batch(int layer, Matrix<T>& X, int columns) {
  if (X.rows() != d_) throw std::invalid_argument("punchcard has " + std::to_string(X.rows()) + " rows, the transformer " + std::to_string(d_));
  if (columns < 1 || X.cols() % columns != 0)
    throw std::invalid_argument("a batch of " + std::to_string(X.cols()) + " columns is not made of punchcards of " + std::to_string(columns) + " columns");
  if (work_.size() != layers_.size()) work_.resize(layers_.size());
  attention(layers_[layer], work_[layer], X, columns);
  feed_forward(layers_[layer], work_[layer], X);
}

template <class T>
void LoopedTransformer<T>::apply_loop(Matrix<T>& X) {
  for (int l = 0; l < layer_count(); ++l) apply_layer(l, X);
}

template <class T>
std::optional<NonFinite> LoopedTransformer<T>::find_non_finite(const Matrix<T>& X) {
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j)
      if (!ScalarTraits<T>::is_finite(X(i, j)))
        return NonFinite{0, static_cast<int>(i), static_cast<int>(j), ScalarTraits<T>::to_double(X(i, j))};
  return std::nullopt;
}

}  // namespace loopcert
