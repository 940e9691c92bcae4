// Measures the engine's vectorised exp (Eigen's array exp, what tf/transformer_impl.hpp's
// softmax_row uses for rows of >= 8 scores at float and double) in ulps of the correctly
// rounded result. Shared by tests/test_bounds_exp.cpp (a sample, a few seconds) and
// bench/exp_ulp.cpp (hundreds of millions of doubles, every float of the softmax range).
//
// Reference: double exp is measured against x87 long double expl (within 1 ulp of long
// double, 2^-63 relative: the measured ulps are exact to about 2^-10 ulp); float exp
// against glibc's double exp (2^-52 relative: exact to 2^-28 ulp). The worst inputs
// found are re-measured against 256-bit MPFR (`mpfr_ulps`).
#pragma once
#include <mpfr.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace loopcert::exp_ulp {

struct Worst {
  double ulps = 0;      // largest error in ulps of the exact value, where it is a normal number
  double at = 0;        // where
  std::uint64_t samples = 0, at_least_one_ulp = 0;
  // Where e^x is below the smallest normal (subnormal or underflow): the largest absolute
  // error (Eigen returns constants such as 5.6e-309 there instead of rounding).
  double absolute_below_normal = 0;
  double at_absolute = 0;
};

// ulp of the format at a reference value (subnormal spacing below the normal range).
template <class F>
long double ulp_at(long double ref) {
  const int digits = std::numeric_limits<F>::digits, emin = std::numeric_limits<F>::min_exponent;  // min_exponent: 2^(e-1) normal
  int e = 0;
  std::frexp(static_cast<double>(ref), &e);  // ref in [2^(e-1), 2^e)
  return std::ldexp(1.0L, std::max(e, emin) - digits);
}

// The error of Eigen's exp at every x of `xs`, accumulated into w.
template <class F>
void measure(const std::vector<F>& xs, Worst& w) {
  Eigen::Array<F, 1, Eigen::Dynamic> in = Eigen::Map<const Eigen::Array<F, 1, Eigen::Dynamic>>(xs.data(), xs.size());
  Eigen::Array<F, 1, Eigen::Dynamic> out = in.exp();
  for (Eigen::Index i = 0; i < in.size(); ++i) {
    const long double ref = std::is_same_v<F, float> ? static_cast<long double>(std::exp(static_cast<double>(in(i)))) : expl(in(i));
    const long double u = ulp_at<F>(ref);
    const double e = static_cast<double>(std::abs(static_cast<long double>(out(i)) - ref) / u);
    ++w.samples;
    if (ref < std::numeric_limits<F>::min()) {
      const double a = static_cast<double>(std::abs(static_cast<long double>(out(i)) - ref));
      if (a > w.absolute_below_normal) w.absolute_below_normal = a, w.at_absolute = in(i);
      continue;
    }
    if (e >= 1) ++w.at_least_one_ulp;
    if (e > w.ulps) w.ulps = e, w.at = in(i);
  }
}

// Error of Eigen's exp at x in ulps, against 256-bit MPFR.
template <class F>
double mpfr_ulps(F x) {
  // As the engine calls it: a dynamic row of 8 (a fixed-size constant array may take
  // Eigen's scalar path instead of the vectorised one).
  const std::vector<F> row(8, x);
  const Eigen::Array<F, 1, Eigen::Dynamic> in = Eigen::Map<const Eigen::Array<F, 1, Eigen::Dynamic>>(row.data(), 8);
  const F got = Eigen::Array<F, 1, Eigen::Dynamic>(in.exp())(0);
  mpfr_t r, g;
  mpfr_inits2(256, r, g, (mpfr_ptr)0);
  mpfr_set_d(r, x, MPFR_RNDN);
  mpfr_exp(r, r, MPFR_RNDN);
  const long double u = ulp_at<F>(mpfr_get_ld(r, MPFR_RNDN));
  mpfr_set_d(g, got, MPFR_RNDN);
  mpfr_sub(g, g, r, MPFR_RNDN);
  const double e = static_cast<double>(std::abs(mpfr_get_ld(g, MPFR_RNDN)) / u);
  mpfr_clears(r, g, (mpfr_ptr)0);
  return e;
}

// Softmax inputs: x = lambda (score - max) <= 0, from -800 (past underflow) to 0, drawn
// uniformly and log-uniformly in |x| (small exponents of near-ties), from a seed.
template <class F>
std::vector<F> softmax_inputs(std::uint64_t seed, std::size_t count, F lowest) {
  std::vector<F> xs(count);
  std::uint64_t s = seed;
  auto next = [&] {  // splitmix64
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1p-53;
  };
  for (std::size_t i = 0; i < count; ++i)
    xs[i] = i % 2 ? static_cast<F>(lowest * next()) : static_cast<F>(-std::exp2(-40 + 50 * next()) * (-lowest / 1024));
  return xs;
}

}  // namespace loopcert::exp_ulp
