// The exp model of proofs/read.md ("The exp model", bounds::exp_model) against the exp the
// engine uses for softmax rows of >= 8 scores (Eigen's vectorised exp): a sample of the
// softmax range here; bench/exp_ulp.cpp measures hundreds of millions of doubles and
// every float.
#include <catch2/catch.hpp>

#include "bounds/rounding.hpp"
#include "exp_ulp.hpp"

using namespace loopcert;

TEST_CASE("Eigen's vectorised exp stays within the exp model (sample of the softmax range)", "[bounds][exp]") {
  // units counts u; one ulp is 2u (proofs/read.md).
  exp_ulp::Worst d, f;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) exp_ulp::measure(exp_ulp::softmax_inputs<double>(seed, 1 << 18, -800.0), d);
  for (std::uint64_t seed = 1; seed <= 4; ++seed) exp_ulp::measure(exp_ulp::softmax_inputs<float>(seed, 1 << 18, -120.0f), f);
  const double double_ulps = bounds::exp_model(parse_scalar("double")).units / 2;
  const double float_ulps = bounds::exp_model(parse_scalar("float")).units / 2;
  INFO("double: max " << d.ulps << " ulp at " << d.at << ", " << d.at_least_one_ulp << " of " << d.samples << " >= 1 ulp; model " << double_ulps);
  INFO("float: max " << f.ulps << " ulp at " << f.at << "; model " << float_ulps);
  CHECK(d.ulps <= double_ulps);
  CHECK(f.ulps <= float_ulps);
  CHECK(d.ulps > 1);  // the sample does reach Eigen's > 1 ulp cases: the model's 2u would not hold
  CHECK(exp_ulp::mpfr_ulps(d.at) <= double_ulps);
  // Below the normal range (subnormal results, underflow; Eigen's tiny constants): within
  // the model's absolute term.
  CHECK(d.absolute_below_normal <= std::ldexp(1.0, bounds::exp_model(parse_scalar("double")).absolute_log2));
  CHECK(f.absolute_below_normal <= std::ldexp(1.0, bounds::exp_model(parse_scalar("float")).absolute_log2));
  // exp(0) = 1 exactly (the row maximum's weight, proofs/read.md, case A).
  const std::vector<double> zeros(8, 0.0);
  const Eigen::Array<double, 1, Eigen::Dynamic> zero = Eigen::Map<const Eigen::Array<double, 1, Eigen::Dynamic>>(zeros.data(), 8);
  CHECK((zero.exp() == 1.0).all());
}
