// The value read-out's dot product sum_i a_i w_i when the value row a is mostly +0, bit
// for bit what the plain detail::dot (tf/kernels/plain.hpp) computes, at a cost of the
// live entries instead of n.
//
// Precondition (the caller checks it): every position that is not listed in `live` has
// a_i = +0 and a finite w_i with a clear sign bit, so its product a_i w_i is exactly +0.
// Adding +0 to a partial sum changes it only when the sum is -0 (it becomes +0), so a run
// of such terms acts as one +0 term: each run is replaced by one literal addition of one
// of its products, and every other step is the plain one on the same operands.
//
// The summation orders reproduced (properties/kernels.cpp compares with detail::dot):
//  - float and double (Eigen's vectorised reduction, P lanes of one packet): lane L in
//    [0, 2P) folds the products at L, L + 2P, L + 4P, ... below E2 = n / 2P * 2P; the two
//    packets are added lane by lane, then the packet at E2 if n / P * P > E2; the lanes
//    are reduced by halving (lane i + lane i + P/2); then the products at n / P * P ...
//    n - 1 are added in order. Rows shorter than 2P are computed literally.
//  - other types in Eigen's generic reduction or the emulated kernels: res = a_0 w_0,
//    then res += a_i w_i in order.
//  - MPFR: sum = 0, then sum += a_i w_i in order (the sum is never -0, so +0 terms are
//    no-ops); rationals: exact, the order does not matter.
#pragma once
#include <array>

#include <Eigen/Core>

#include "core/scalar.hpp"

namespace loopcert::kernels {

// The number of lanes Eigen's reduction uses for T (1: not vectorised).
template <class T>
constexpr int reduction_lanes() {
  if constexpr (Eigen::internal::packet_traits<T>::Vectorizable) return Eigen::internal::packet_traits<T>::size;
  return 1;
}

// In order from the first product: res = a_0 w_0, res += a_i w_i (i = 1 .. n-1).
template <class T>
T sparse_dot_in_order(const T* a, const int* live, int count, const T* w, long n) {
  T res = a[0] * w[0];
  long last = 0;
  for (int k = 0; k < count; ++k) {
    const long i = live[k];
    if (i == 0) continue;
    if (i - last > 1) res = res + a[last + 1] * w[last + 1];  // the run of +0 products before i
    res = res + a[i] * w[i];
    last = i;
  }
  if (last + 1 < n) res = res + a[last + 1] * w[last + 1];
  return res;
}

// Eigen's LinearVectorizedTraversal reduction of a_i w_i (Redux.h, alignedStart = 0: the
// product of two maps has no direct access), P lanes.
template <class T, int P>
T sparse_dot_lanes(const T* a, const int* live, int count, const T* w, long n) {
  if (n < P) return sparse_dot_in_order(a, live, count, w, n);
  const long end = n / P * P, end2 = n / (2 * P) * (2 * P);
  std::array<T, P> acc;
  if (end == P) {
    for (int l = 0; l < P; ++l) acc[l] = a[l] * w[l];
  } else {
    std::array<T, 2 * P> lane;
    std::array<long, 2 * P> last;
    for (int L = 0; L < 2 * P; ++L) lane[L] = a[L] * w[L], last[L] = L;
    for (int k = 0; k < count && live[k] < end2; ++k) {
      const long i = live[k];
      const int L = static_cast<int>(i % (2 * P));
      if (i == L) continue;
      if (i - last[L] > 2 * P) lane[L] = lane[L] + a[last[L] + 2 * P] * w[last[L] + 2 * P];
      lane[L] = lane[L] + a[i] * w[i];
      last[L] = i;
    }
    for (int L = 0; L < 2 * P; ++L)
      if (last[L] + 2 * P < end2) lane[L] = lane[L] + a[last[L] + 2 * P] * w[last[L] + 2 * P];
    for (int l = 0; l < P; ++l) acc[l] = lane[l] + lane[P + l];
    if (end > end2)
      for (int l = 0; l < P; ++l) acc[l] = acc[l] + a[end2 + l] * w[end2 + l];
  }
  for (int half = P / 2; half >= 1; half /= 2)
    for (int l = 0; l < half; ++l) acc[l] = acc[l] + acc[l + half];
  T res = acc[0];
  for (long i = end; i < n; ++i) res = res + a[i] * w[i];
  return res;
}

template <class T>
T sparse_dot(const T* a, const int* live, int count, const T* w, long n) {
  constexpr int P = reduction_lanes<T>();
  if constexpr (P > 1) return sparse_dot_lanes<T, P>(a, live, count, w, n);
  else return sparse_dot_in_order(a, live, count, w, n);
}

inline MpfrReal sparse_dot(const MpfrReal* a, const int* live, int count, const MpfrReal* w, long n) {
  MpfrReal sum(0), product;
  for (int k = 0; k < count; ++k) {
    mpfr_mul(product.raw(), a[live[k]].raw(), w[live[k]].raw(), MPFR_RNDN);
    mpfr_add(sum.raw(), sum.raw(), product.raw(), MPFR_RNDN);
  }
  return sum;
}

inline Rational sparse_dot(const Rational* a, const int* live, int count, const Rational* w, long n) {
  Rational sum(0);
  for (int k = 0; k < count; ++k)
    if (w[live[k]] != 0) sum += a[live[k]] * w[live[k]];
  return sum;
}

}  // namespace loopcert::kernels
