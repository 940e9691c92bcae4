// y[j] += sum_e val_e * src[col_e][j] over the entries of one sparse row, in entry order:
// for every j the same operations, in the same order, as one plain axpy per entry
// (y[j] = y[j] + val_e * x[j]), with y kept in registers across the entries instead of
// being loaded and stored once per entry. For float and double, whose axpy is a plain
// loop; the feed-forward and the projections of the fast evaluator (tf/attention.hpp).
#pragma once
#include <Eigen/Core>

namespace loopcert::kernels {

template <class T>
inline void combine_rows(const T* val, const int* col, int count, const T* src, Eigen::Index n, T* y) {
  constexpr int B = 64 / sizeof(T) * 2;  // two cache lines: four AVX registers of accumulators
  Eigen::Index j = 0;
  for (; j + B <= n; j += B) {
    T acc[B];
    for (int l = 0; l < B; ++l) acc[l] = y[j + l];
    for (int e = 0; e < count; ++e) {
      const T a = val[e];
      const T* x = src + col[e] * n + j;
      for (int l = 0; l < B; ++l) acc[l] = acc[l] + a * x[l];
    }
    for (int l = 0; l < B; ++l) y[j + l] = acc[l];
  }
  for (; j < n; ++j) {
    T acc = y[j];
    for (int e = 0; e < count; ++e) acc = acc + val[e] * src[col[e] * n + j];
    y[j] = acc;
  }
}

}  // namespace loopcert::kernels
