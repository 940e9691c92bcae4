// The bound functions of src/bounds/ are never below the exact bound of their proof note
// (issue 10, defects 1, 2, 4 and 5): each case below compares the implemented double
// with the note's formula evaluated in 2048-bit MPFR (tests/bounds_reference.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "bounds/subleq_loop.hpp"
#include "bounds_reference.hpp"

namespace b = loopcert::bounds;
namespace ref = loopcert::reference;

namespace {
double pow2(int e) { return std::ldexp(1.0, e); }
}  // namespace

TEST_CASE("write_output is not below its exact value at a tiny pointer noise (issue 10, defect 1)", "[bounds]") {
  struct Case { int n, L; double lambda, delta; };
  for (const Case c : {Case{8, 3, 30, pow2(-60)}, Case{8, 3, 200, pow2(-63)}, Case{8, 3, 30, pow2(-54)}, Case{1024, 10, 5.5, pow2(-70)}}) {
    const double got = b::write_output(c.n, c.L, c.lambda, c.delta, 2);
    const ref::Real exact = ref::write_output(c.n, c.L, c.lambda, c.delta, 2);
    INFO("n=" << c.n << " L=" << c.L << " lambda=" << c.lambda << " delta=" << c.delta << ": implemented " << got << ", exact "
              << exact.to_double());
    CHECK(ref::at_least(got, exact));
    CHECK(ref::at_least(b::write_hit_deviation(c.n, c.L, c.lambda, c.delta), ref::write_hit_deviation(c.n, c.L, c.lambda, c.delta)));
  }
}

TEST_CASE("rounding_attention is not below its exact value at high precision (issue 10, defect 2)", "[bounds]") {
  // Reference with the weakest exp model (correctly rounded, one u): whatever exp model
  // the implementation uses, it may not be below this.
  for (const int p : {60, 63, 64, 80, 113, 200, 256})
    for (const double delta : {0.0, pow2(-60), 0.01}) {
      const double u = pow2(-p);
      const double got = b::rounding_attention(8, 3, 4, u, delta);
      const ref::Real exact = ref::rounding_attention(8, 3, 4, u, delta, 1, 0);
      INFO("u=2^-" << p << " delta=" << delta << ": implemented " << got << ", exact " << exact.to_double());
      CHECK(got > 0);
      CHECK(ref::at_least(got, exact));
    }
}

TEST_CASE("rounding_attention counts an exp error of 2u as gamma_(n+4) (issue 10, defect 4)", "[bounds]") {
  // Softmax weights a_i = e_i / sum e_j: an exp within 2u of e^x enters the numerator and
  // every term of the denominator, 2 + 2 roundings, plus n - 1 additions and the division.
  for (const int n : {8, 64, 1024})
    for (const double u : {pow2(-24), pow2(-53)}) {
      const double got = b::rounding_attention(n, 10, 5.5, u, 0);
      INFO("n=" << n << " u=" << u << ": implemented " << got);
      CHECK(ref::at_least(got, ref::rounding_attention(n, 10, 5.5, u, 0, 2, 0)));
    }
}

TEST_CASE("flag, branch, increment, subtract and read bounds are rounded up, not to nearest (issue 10, defect 5)", "[bounds]") {
  CHECK(ref::at_least(b::flag_output(5, 0.15406373527932954), ref::flag_output(5, 0.15406373527932954)));
  std::mt19937_64 rng(10);
  std::uniform_real_distribution<double> unit(0, 1);
  int flag_low = 0, branch_low = 0, read_low = 0, write_low = 0, inc_low = 0, sub_low = 0;
  for (int i = 0; i < 2000; ++i) {
    const double d = unit(rng) * 0.3, f = unit(rng) * 0.3, lambda = 1 + 20 * unit(rng);
    const int N = 2 + i % 30, L = 2 + i % 9, n = (1 << (L - 1)) + 1 + i % (1 << (L - 1));
    flag_low += !ref::at_least(b::flag_output(N, d / N), ref::flag_output(N, d / N));
    branch_low += !ref::at_least(b::branch_output(d, f), ref::branch_output(d, f));
    inc_low += !ref::at_least(b::increment_output(L, d / (1 << L)), ref::increment_output(L, d / (1 << L)));
    sub_low += !ref::at_least(b::subtract_output(N, d / (1 << N)), ref::subtract_output(N, d / (1 << N)));
    read_low += !ref::at_least(b::read_attention(n, L, lambda, d / (4 * L)), ref::read_attention(n, L, lambda, d / (4 * L)));
    write_low += !ref::at_least(b::write_output(n, L, lambda, d / (8 * L), 2), ref::write_output(n, L, lambda, d / (8 * L), 2));
  }
  CHECK(flag_low == 0);
  CHECK(branch_low == 0);
  CHECK(inc_low == 0);
  CHECK(sub_low == 0);
  CHECK(read_low == 0);
  CHECK(write_low == 0);
}

TEST_CASE("the leak counted by Hamming distance: not below its exact value, never above the old bound", "[bounds][tight]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0, 1);
  int low = 0, above = 0, tighter = 0;
  for (int i = 0; i < 500; ++i) {
    const int L = 2 + i % 10, n = (1 << (L - 1)) + 1 + static_cast<int>(unit(rng) * ((1 << (L - 1)) - 1));
    const double lambda = 0.5 + 10 * unit(rng), d = unit(rng) / (8 * L) * (i % 3 ? 1 : 1e-12);
    const double r = b::read_attention_tight(n, L, lambda, d), w = b::write_output_tight(n, L, lambda, d / 4, 2);
    low += !ref::at_least(r, ref::read_attention_tight(n, L, lambda, d)) + !ref::at_least(w, ref::write_output_tight(n, L, lambda, d / 4, 2));
    above += (r > b::read_attention(n, L, lambda, d)) + (w > b::write_output(n, L, lambda, d / 4, 2));
    tighter += r < 0.5 * b::read_attention(n, L, lambda, d);
  }
  CHECK(low == 0);
  CHECK(above == 0);
  CHECK(tighter > 100);  // it is tighter where n - 1 exceeds L
}

TEST_CASE("the default temperature (tight leaks) is below the one of the old leaks", "[bounds][tight]") {
  const b::LoopConstants k;
  for (int n = 3; n <= 4096; n += 1 + n / 8) {
    const int L = static_cast<int>(std::ceil(std::log2(n)));
    // Before issue 10's tight constants: the smallest multiple of 1/2 >= ln(47 (n - 2)) / 2
    // (proofs/subleq_loop.md, "The default temperature", old leaks n - 1 at gap 2).
    const double old = std::ceil(std::log(47.0 * std::max(n - 2, 1))) / 2;
    const double tight = b::default_lambda(n, L, k);
    INFO("n=" << n << " L=" << L << ": old default " << old << ", tight " << tight);
    CHECK(tight <= old);
    if (n > 16) CHECK(tight < old);
  }
}
