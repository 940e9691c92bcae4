// The softmax of one row of scores in an emulated format, bit for bit detail::softmax_row
// (tf/kernels/plain.hpp). For rows of at least kVectorSoftmaxRow entries the plain row is
// Eigen's array expression on a scalar type Eigen does not vectorise, which is, entry by
// entry and in order:
//   v_i = v_i * lambda; top = v_0, top = (top < v_i) ? v_i : top (Eigen's redux, std::max);
//   v_i = exp(v_i - top); total = v_0, total = total + v_i; v_i = v_i / total
// every operation rounded to the format (core/emulated_float.hpp). Here the same
// operations on the same operands in the same order, with three changes that do not
// change a bit: the rounding is inlined (tf/kernels/emulated_round.hpp), the entrywise
// steps run four lanes at a time, and each exp is looked up in a per-thread cache keyed
// by its argument's bits (the same argument gives the same exp) before it is computed.
// Shorter rows are the plain loop itself. Selected over kernels::softmax_row_repeat's
// generic template by overload resolution: declared before tf/attention.hpp is included
// (tf/transformer_emulated.cpp). Property: properties/kernels.cpp.
// Needs core/emulated_float.hpp (included first, see core/scalar.hpp).
#pragma once
#include <cmath>
#include <cstdint>

#include "tf/kernels/emulated_round.hpp"
#include "tf/kernels/plain.hpp"

namespace loopcert::kernels {

namespace emulated {
// exp(x) rounded to F, as Emulated's exp computes it, remembered per argument bit pattern.
// Direct-mapped: a slot holds one (argument, result) pair, overwritten on a miss; every
// slot starts as the pair (+0, 1).
template <const FormatSpec& F>
class ExpCache {
 public:
  static constexpr int kBits = 12;
  ExpCache() {
    const double one = round<F>(std::exp(0.0));
    for (int k = 0; k < (1 << kBits); ++k) key_[k] = 0, value_[k] = one;
  }
  double operator()(double x) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t slot = ((bits >> (53 - F.precision)) * 0x9e3779b97f4a7c15ull) >> (64 - kBits);
    if (key_[slot] == bits) return value_[slot];
    key_[slot] = bits;
    return value_[slot] = round<F>(std::exp(x));
  }

 private:
  std::uint64_t key_[1 << kBits];
  double value_[1 << kBits];
};

template <const FormatSpec& F>
ExpCache<F>& exp_cache() {
  thread_local ExpCache<F> cache;
  return cache;
}
}  // namespace emulated

template <const FormatSpec& F>
void softmax_row_repeat(Emulated<F>* scores, Eigen::Index n, const Emulated<F>& lambda) {
  using namespace emulated;
  if (n < detail::kVectorSoftmaxRow) return detail::softmax_row(scores, n, lambda);
  static_assert(sizeof(Emulated<F>) == sizeof(double));
  double* v = reinterpret_cast<double*>(scores);
  const double l = lambda.value();
#if defined(__AVX2__)
  const __m256d lv = _mm256_set1_pd(l);
  map_rounded<F>(v, n, [&](__m256d x) { return _mm256_mul_pd(x, lv); }, [&](double x) { return x * l; });
#else
  map_rounded<F>(v, n, 0, [&](double x) { return x * l; });
#endif
  double top = v[0];
  for (Eigen::Index i = 1; i < n; ++i) top = (top < v[i]) ? v[i] : top;
#if defined(__AVX2__)
  const __m256d tv = _mm256_set1_pd(top);
  map_rounded<F>(v, n, [&](__m256d x) { return _mm256_sub_pd(x, tv); }, [&](double x) { return x - top; });
#else
  map_rounded<F>(v, n, 0, [&](double x) { return x - top; });
#endif
  ExpCache<F>& exp = exp_cache<F>();
  for (Eigen::Index i = 0; i < n; ++i) v[i] = exp(v[i]);
  double total = v[0];
  for (Eigen::Index i = 1; i < n; ++i) total = round<F>(total + v[i]);
#if defined(__AVX2__)
  const __m256d sv = _mm256_set1_pd(total);
  map_rounded<F>(v, n, [&](__m256d x) { return _mm256_div_pd(x, sv); }, [&](double x) { return x / total; });
#else
  map_rounded<F>(v, n, 0, [&](double x) { return x / total; });
#endif
}

}  // namespace loopcert::kernels
