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
#include "tf/kernels/plain.hpp"
#include "tf/attention.hpp"
#include "tf/feed_forward.hpp"
#include "tf/plain_evaluator.hpp"

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
void LoopedTransformer<T>::apply_layer_plain(int layer, Matrix<T>& X, int columns) {
  if (X.rows() != d_) throw std::invalid_argument("punchcard has " + std::to_string(X.rows()) + " rows, the transformer " + std::to_string(d_));
  if (columns < 1 || X.cols() % columns != 0)
    throw std::invalid_argument("a batch of " + std::to_string(X.cols()) + " columns is not made of punchcards of " + std::to_string(columns) + " columns");
  if (work_.size() != layers_.size()) work_.resize(layers_.size());
  attention_plain(layers_[layer], work_[layer], X, columns);
  feed_forward_plain(layers_[layer], work_[layer], X);
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
