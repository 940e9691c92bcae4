// The softmax of one row of scores, bit for bit detail::softmax_row (tf/kernels/plain.hpp),
// computing each distinct exp once where it repeats: the same argument gives the same
// exp. Rows of the write head take about 7 distinct values; a row with two values (the
// maximum and the rest) costs O(1) exps when they come in runs.
//
// For rows of at least kVectorSoftmaxRow scores, the plain row is Eigen's
// `row = (row - top).exp()`; here the same expression with `.unaryExpr(RepeatExp)`,
// whose scalar and packet operations are those of Eigen's scalar_exp_op (numext::exp,
// internal::pexp) on the same entries: Eigen picks the scalar or packet path of each
// entry from the row's address and length only, as before. RepeatExp returns a kept
// result when its argument is bit for bit one of the last 8 distinct scalar arguments, or
// the last packet: pexp works lane by lane, so an identical packet has an identical result.
#pragma once
#include <algorithm>
#include <cstring>
#include <type_traits>

#include <Eigen/Core>

#include "tf/kernels/plain.hpp"

namespace loopcert::kernels {

template <class T>
struct RepeatExp {
  using Packet = typename Eigen::internal::packet_traits<T>::type;
  static constexpr int kKept = 8;  // scalar arguments kept (the emulated formats' exp is a library call)
  mutable T in[kKept]{}, out[kKept]{};
  mutable int kept = 0, next = 0;
  mutable Packet last_packet_in{}, last_packet_out{};
  mutable bool have_packet = false;

  T operator()(const T& a) const {
    for (int k = 0; k < kept; ++k)
      if (std::memcmp(&a, &in[k], sizeof(T)) == 0) return out[k];
    in[next] = a;
    out[next] = Eigen::numext::exp(a);
    const T result = out[next];
    kept = std::max(kept, next + 1);
    next = (next + 1) % kKept;
    return result;
  }
  template <class P>
  P packetOp(const P& a) const {
    if constexpr (std::is_same_v<P, Packet>) {
      if (have_packet && std::memcmp(&a, &last_packet_in, sizeof(P)) == 0) return last_packet_out;
      last_packet_in = a;
      last_packet_out = Eigen::internal::pexp(a);
      have_packet = true;
      return last_packet_out;
    } else {
      return Eigen::internal::pexp(a);
    }
  }
};

// memcmp on the value bits: only for types whose bytes are all value (no padding, no
// pointers), i.e. float and double and the emulated formats (a double inside).
template <class T>
inline constexpr bool kBitwiseExpMemo = std::is_same_v<T, double> || std::is_same_v<T, float> || sizeof(T) == sizeof(double);

template <class T>
inline void softmax_row_repeat(T* scores, Eigen::Index n, const T& lambda) {
  if constexpr (!kBitwiseExpMemo<T>) {
    detail::softmax_row(scores, n, lambda);
  } else {
    if (n < detail::kVectorSoftmaxRow) return detail::softmax_row(scores, n, lambda);
    auto row = Eigen::Map<Eigen::Array<T, 1, Eigen::Dynamic>>(scores, n);
    row *= lambda;
    const T top = row.maxCoeff();
    row = (row - top).unaryExpr(RepeatExp<T>{});
    const T total = row.sum();
    row /= total;
  }
}

// MPFR: the plain loop, with the exps of the last few distinct arguments kept.
inline void softmax_row_repeat(MpfrReal* s, Eigen::Index n, const MpfrReal& lambda) {
  constexpr int kKept = 8;
  MpfrReal top, in[kKept], out[kKept];
  int kept = 0, next = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    mpfr_mul(s[i].raw(), s[i].raw(), lambda.raw(), MPFR_RNDN);
    if (i == 0 || s[i] > top) mpfr_set(top.raw(), s[i].raw(), MPFR_RNDN);
  }
  MpfrReal total(0);
  for (Eigen::Index i = 0; i < n; ++i) {
    mpfr_sub(s[i].raw(), s[i].raw(), top.raw(), MPFR_RNDN);
    int hit = -1;
    // mpfr_equal_p: the same number (exp(-0) = exp(+0)); never true for NaN.
    for (int k = 0; k < kept && hit < 0; ++k)
      if (mpfr_equal_p(s[i].raw(), in[k].raw())) hit = k;
    if (hit >= 0) {
      mpfr_set(s[i].raw(), out[hit].raw(), MPFR_RNDN);
    } else {
      mpfr_set(in[next].raw(), s[i].raw(), MPFR_RNDN);
      mpfr_exp(s[i].raw(), s[i].raw(), MPFR_RNDN);
      mpfr_set(out[next].raw(), s[i].raw(), MPFR_RNDN);
      kept = std::max(kept, next + 1);
      next = (next + 1) % kKept;
    }
    mpfr_add(total.raw(), total.raw(), s[i].raw(), MPFR_RNDN);
  }
  for (Eigen::Index i = 0; i < n; ++i) mpfr_div(s[i].raw(), s[i].raw(), total.raw(), MPFR_RNDN);
}

}  // namespace loopcert::kernels

namespace Eigen::internal {
template <class T>
struct functor_traits<loopcert::kernels::RepeatExp<T>> {
  enum { Cost = functor_traits<scalar_exp_op<T>>::Cost, PacketAccess = functor_traits<scalar_exp_op<T>>::PacketAccess };
};
}  // namespace Eigen::internal
