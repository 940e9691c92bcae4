// NarrowMpfr (src/core/narrow_mpfr.hpp): MPFR at P <= 52 bits computed in double,
// and NarrowMpfrLD (narrow_mpfr_ld.hpp): 53 <= P <= 63 computed in x87 long double, must
// be MPFR, bit for bit. Operation by operation on random operands (including sums
// whose double result lands exactly on a midpoint of the P-bit grid while the exact sum
// does not: the one case that needs the error term), and whole transformer loops
// punchcard for punchcard against MpfrReal at the same precision. Negative check: the
// same emulation without the midpoint correction is caught by the generator.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <type_traits>

#include "core/narrow_mpfr.hpp"
#include "core/narrow_mpfr_ld.hpp"
#include "compile/subleq/compiler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

// A random P-bit value: m 2^e with an odd or even P-bit integer m, |e| moderate.
rc::Gen<double> p_bit_value(int P) {
  return rc::gen::exec([P] {
    const auto m = *rc::gen::inRange<std::int64_t>(0, std::int64_t(1) << P);
    const int e = *rc::gen::inRange(-40, 40);
    const bool negative = *rc::gen::arbitrary<bool>();
    const double v = std::ldexp(static_cast<double>(m), e - P);
    return negative ? -v : v;
  });
}

// (a, b) with a + b = 1 + 2^-(P-1) j + 2^-P +- 2^-(P+k): RN53 of the sum lands on a
// midpoint of the P-bit grid when P + k > 53, while the exact sum is off it.
rc::Gen<std::pair<double, double>> near_midpoint_pair(int P) {
  return rc::gen::exec([P] {
    const int j = *rc::gen::inRange(0, 8);
    const int k = *rc::gen::inRange(std::max(1, 54 - P), P);  // b needs k + 1 <= P bits
    const double sign = *rc::gen::arbitrary<bool>() ? 1 : -1;
    const double a = 1 + std::ldexp(j, -(P - 1));
    const double b = std::ldexp(1, -P) + sign * std::ldexp(1, -(P + k));
    return std::make_pair(a, b);
  });
}

// MPFR's result of `op` on a, b (exact in the carrier V: double or long double) at P bits.
template <class V>
V mpfr_op(char op, V a, V b, int P) {
  mpfr_t x, y;
  mpfr_inits2(P, x, y, static_cast<mpfr_ptr>(nullptr));
  if constexpr (std::is_same_v<V, double>) {
    mpfr_set_d(x, a, MPFR_RNDN);
    mpfr_set_d(y, b, MPFR_RNDN);
  } else {
    mpfr_set_ld(x, a, MPFR_RNDN);
    mpfr_set_ld(y, b, MPFR_RNDN);
  }
  switch (op) {
    case '+': mpfr_add(x, x, y, MPFR_RNDN); break;
    case '-': mpfr_sub(x, x, y, MPFR_RNDN); break;
    case '*': mpfr_mul(x, x, y, MPFR_RNDN); break;
    case '/': mpfr_div(x, x, y, MPFR_RNDN); break;
    case 'e': mpfr_exp(x, x, MPFR_RNDN); break;
  }
  V out;
  if constexpr (std::is_same_v<V, double>) out = mpfr_get_d(x, MPFR_RNDN);
  else out = mpfr_get_ld(x, MPFR_RNDN);
  mpfr_clears(x, y, static_cast<mpfr_ptr>(nullptr));
  return out;
}

// The same operation with the narrow scalar N (NarrowMpfr or NarrowMpfrLD).
template <class N, class V>
V narrow_op(char op, V a, V b) {
  const N x = N::raw(a), y = N::raw(b);
  switch (op) {
    case '+': return (x + y).value();
    case '-': return (x - y).value();
    case '*': return (x * y).value();
    case '/': return (x / y).value();
    default: return exp(x).value();
  }
}

// The broken variant: round the double result, never look at the error term.
double naive_add(double a, double b) { return narrow::round_p(a + b); }

template <class V>
bool same(V a, V b) {
  return a == b && std::signbit(a) == std::signbit(b);
}

// The long double carrier: P-bit values with P up to 63 (built from an int64 significand).
rc::Gen<long double> p_bit_value_ld(int P) {
  return rc::gen::exec([P] {
    const auto m = *rc::gen::inRange<std::int64_t>(0, std::numeric_limits<std::int64_t>::max() >> (63 - P));
    const int e = *rc::gen::inRange(-40, 40);
    const long double v = std::ldexp(static_cast<long double>(m), e - P);
    return *rc::gen::arbitrary<bool>() ? -v : v;
  });
}

}  // namespace

TEST_CASE("narrow mpfr: + - * / exp equal MPFR at the same precision", "[property][narrow_mpfr]") {
  rc::prop("random operands, P in 2..52", [] {
    const int P = *rc::gen::inRange(2, 53);
    NarrowPrecisionScope scope(P);
    const double a = *p_bit_value(P), b = *p_bit_value(P);
    for (char op : {'+', '-', '*', '/'}) {
      if (op == '/' && b == 0) continue;
      RC_LOG() << "P=" << P << " " << a << " " << op << " " << b << "\n";
      RC_ASSERT(same(narrow_op<NarrowMpfr>(op, a, b), mpfr_op(op, a, b, P)));
    }
    RC_ASSERT(!NarrowPrecisionScope::left_range());
  });
  rc::prop("exp on [-60, 60], P in 2..52", [] {
    const int P = *rc::gen::inRange(2, 53);
    NarrowPrecisionScope scope(P);
    const double x = std::ldexp(static_cast<double>(*rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << (P - 1)), std::int64_t(1) << (P - 1))),
                                -P + *rc::gen::inRange(-10, 7));
    RC_LOG() << "P=" << P << " exp(" << x << ")\n";
    RC_ASSERT(same(narrow_op<NarrowMpfr>('e', x, 0.0), mpfr_op('e', x, decltype(x)(0), P)));
  });
  rc::prop("sums whose double result is a midpoint (P in 28..52)", [] {
    const int P = *rc::gen::inRange(28, 53);
    NarrowPrecisionScope scope(P);
    const auto [a, b] = *near_midpoint_pair(P);
    RC_ASSERT(same(narrow_op<NarrowMpfr>('+', a, b), mpfr_op('+', a, b, P)));
    RC_ASSERT(same(narrow_op<NarrowMpfr>('-', a, -b), mpfr_op('-', a, -b, P)));
  });
}

TEST_CASE("narrow mpfr (long double carrier): + - * / exp equal MPFR at 53..63 bits", "[property][narrow_mpfr]") {
  rc::prop("random operands, P in 53..63", [] {
    const int P = *rc::gen::inRange(53, 64);
    NarrowPrecisionScope scope(P);
    const long double a = *p_bit_value_ld(P), b = *p_bit_value_ld(P);
    for (char op : {'+', '-', '*', '/'}) {
      if (op == '/' && b == 0) continue;
      RC_LOG() << "P=" << P << " " << static_cast<double>(a) << " " << op << " " << static_cast<double>(b) << "\n";
      RC_ASSERT(same(narrow_op<NarrowMpfrLD>(op, a, b), mpfr_op(op, a, b, P)));
    }
    RC_ASSERT(!NarrowPrecisionScope::left_range());
  });
  rc::prop("exp on [-60, 60], P in 53..63", [] {
    const int P = *rc::gen::inRange(53, 64);
    NarrowPrecisionScope scope(P);
    const long double x = std::ldexp(static_cast<long double>(*rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << 52), std::int64_t(1) << 52)),
                                     -52 + *rc::gen::inRange(-10, 7));
    RC_ASSERT(same(narrow_op<NarrowMpfrLD>('e', x, 0.0L), mpfr_op('e', x, decltype(x)(0), P)));
  });
  rc::prop("sums whose long double result is a midpoint (P in 53..63)", [] {
    const int P = *rc::gen::inRange(53, 64);
    NarrowPrecisionScope scope(P);
    const int j = *rc::gen::inRange(0, 8);
    const int k = *rc::gen::inRange(std::max(1, 65 - P), P);
    const long double sign = *rc::gen::arbitrary<bool>() ? 1 : -1;
    const long double a = 1 + std::ldexp(static_cast<long double>(j), -(P - 1));
    const long double b = std::ldexp(1.0L, -P) + sign * std::ldexp(1.0L, -(P + k));
    RC_ASSERT(same(narrow_op<NarrowMpfrLD>('+', a, b), mpfr_op('+', a, b, P)));
    // Products near midpoints: (1 + 2^-(P-1) j)(1 + 2^-k) for small k are long doubles on the grid's midpoints often.
    const long double c = 1 + std::ldexp(1.0L, -(*rc::gen::inRange(1, P)));
    RC_ASSERT(same(narrow_op<NarrowMpfrLD>('*', a, c), mpfr_op('*', a, c, P)));
    RC_ASSERT(same(narrow_op<NarrowMpfrLD>('/', a, c), mpfr_op('/', a, c, P)));
  });
}

TEST_CASE("narrow mpfr: negative check, dropping the midpoint correction is caught", "[property][negative][narrow_mpfr]") {
  int wrong = 0;
  for (int seed = 0; seed < 200; ++seed) {
    const int P = 28 + seed % 25;
    NarrowPrecisionScope scope(P);
    const auto [a, b] = near_midpoint_pair(P)(rc::Random(seed), 10).value();
    if (!same(naive_add(a, b), mpfr_op('+', a, b, P))) ++wrong;
  }
  CHECK(wrong > 0);
}

TEST_CASE("narrow mpfr: whole loops equal MPFR punchcard for punchcard", "[property][narrow_mpfr]") {
  rc::prop("random program, P in 2..63, 1..4 loops", [] {
    RC_TAG("compared");
    isa::SubleqProgram p;
    p.bits = *rc::gen::inRange(2, 11);
    p.scratch = *rc::gen::inRange(1, 3);
    const int m = *rc::gen::inRange(1, 7), cmds = *rc::gen::inRange(1, 8);
    for (int i = 0; i < m; ++i) {
      p.cell_names.push_back("c" + std::to_string(i));
      p.memory.push_back(*rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << (p.bits - 1)), std::int64_t(1) << (p.bits - 1)));
    }
    for (int j = 0; j < cmds; ++j) p.commands.push_back({*rc::gen::inRange(0, m), *rc::gen::inRange(0, m), *rc::gen::inRange(0, cmds), 0});
    const int P = *rc::gen::inRange(2, 64);
    const int loops = *rc::gen::inRange(1, 5);
    blocks::BlockParams params;
    params.lambda = Rational(*rc::gen::inRange(1, 16), 2);
    const auto compiled = compile::compile_subleq(p, params);
    NarrowPrecisionScope narrow_scope(P);
    MpfrPrecisionScope mpfr_scope(P);
    auto compare = [&](auto fast_tag) {
      using F = decltype(fast_tag);
      auto fast = instantiate<F>(compiled.loop, AttentionMode::Softmax);
      auto slow = instantiate<MpfrReal>(compiled.loop, AttentionMode::Softmax);
      Matrix<F> X = to_scalar<F>(compiled.X0);
      Matrix<MpfrReal> Y = to_scalar<MpfrReal>(compiled.X0);
      for (int t = 0; t < loops; ++t)
        for (int l = 0; l < fast.layer_count(); ++l) {
          fast.apply_layer(l, X);
          slow.apply_layer(l, Y);
          if (NarrowPrecisionScope::left_range()) {
            RC_TAG("left the exact range (redone with MPFR)");
            return;
          }
          for (Eigen::Index i = 0; i < X.rows(); ++i)
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
              const long double a = X(i, j).value(), b = mpfr_get_ld(Y(i, j).raw(), MPFR_RNDN);
              if (!(same(a, b) || (std::isnan(a) && std::isnan(b)))) {
                RC_LOG() << "P=" << P << " lambda=" << params.lambda << " loop " << t + 1 << " layer " << l << " row " << i << " col " << j
                         << ": narrow " << static_cast<double>(a) << " mpfr " << static_cast<double>(b) << "\n";
                RC_FAIL("punchcards differ");
              }
            }
        }
    };
    if (P <= kNarrowMaxPrecision) compare(NarrowMpfr{});
    else compare(NarrowMpfrLD{});
  });
}
