// The evaluator's plain kernels: y += a x, the dot product, the softmax and hardmax of
// one row of scores, the sparse projection. Their operations and summation orders define
// the results (proofs/read.md, "which exp"); the faster paths of tf/attention.hpp call
// them or reproduce them bit for bit. Included by tf/transformer_impl.hpp only; the
// per-family .cpp files may declare more specialised detail::axpy / detail::dot
// overloads before including it.
#pragma once
#include <Eigen/Core>

#include "core/scalar.hpp"
#include "tf/transformer.hpp"

namespace loopcert {

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

}  // namespace loopcert
