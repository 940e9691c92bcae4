// Property: the fast evaluator (apply_layer / apply_layer_batch: equal queries copied,
// uniform rows shared, sparse value rows read out through their live entries, O(n)
// scratch, the feed-forward run once per group of identical columns) gives bit for bit
// what the plain evaluator (apply_layer_plain: every score, softmax and read-out
// computed, tf/plain_evaluator.hpp) gives. On random layers over punchcards built to hit
// the shortcuts (repeated columns, zero query rows, value rows with few nonzeros, a few
// inf, NaN and -0 entries), with punchcards of 16 to 41 columns side by side (so that
// rows start at every alignment), and on SUBLEQ loops; at float, double, long double,
// float128, mpfr:100, bf16, fp8e4m3, NarrowMpfr (mpfr:30) and exact (hardmax). And the
// engine on several threads (set_threads) gives what it gives on one, on random layers
// over wide punchcards and on SUBLEQ loops at n = 256. Equal means the same value and the
// same sign of zero, or NaN on both sides.
#include "core/emulated_float.hpp"  // first: see core/scalar.hpp
// Then the rest.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "../bench/random_program.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/narrow_mpfr.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

template <class T>
bool same(const T& a, const T& b) {
  const double x = ScalarTraits<T>::to_double(a), y = ScalarTraits<T>::to_double(b);
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  return a == b && std::signbit(x) == std::signbit(y);
}
template <class T>
bool same(const Matrix<T>& a, const Matrix<T>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < a.cols(); ++j)
      if (!same(a(i, j), b(i, j))) return false;
  return true;
}

Rational dyadic(int max_abs_numerator, int max_shift) {
  return Rational(*rc::gen::inRange(-max_abs_numerator, max_abs_numerator + 1)) * pow2(-*rc::gen::inRange(0, max_shift + 1));
}

// A layer of 1-3 heads and a few ReLU units on d = 3..7 rows.
LayerSpec random_layer(int d) {
  LayerSpec spec("random", d);
  spec.lambda = *rc::gen::inRange(1, 5);
  const int heads = *rc::gen::inRange(1, 4);
  for (int h = 0; h < heads; ++h) {
    HeadSpec& head = spec.add_head("h" + std::to_string(h), *rc::gen::inRange(1, 4));
    for (auto* m : {&head.query, &head.key, &head.value})
      for (int e = *rc::gen::inRange(0, 5); e > 0; --e) m->add(*rc::gen::inRange(0, m->rows), *rc::gen::inRange(0, d), dyadic(4, 2));
  }
  for (int u = *rc::gen::inRange(0, 4); u > 0; --u) {
    std::vector<std::pair<int, Rational>> in;
    for (int e = *rc::gen::inRange(0, 3); e > 0; --e) in.emplace_back(*rc::gen::inRange(0, d), dyadic(4, 2));
    const int unit = spec.ffn.add_unit(dyadic(4, 2), in);
    spec.ffn.add_output(*rc::gen::inRange(0, d), unit, dyadic(4, 2));
  }
  return spec;
}

// Punchcards rich in what the shortcuts look for: each row is dense, zero, or zero but
// for a few columns; each column may repeat one of a few pattern columns.
Matrix<Rational> shortcut_punchcards(int d, int columns, int cards) {
  const int n = columns * cards;
  Matrix<Rational> X = Matrix<Rational>::Zero(d, n);
  std::vector<int> kind(d);
  for (int i = 0; i < d; ++i) kind[i] = *rc::gen::inRange(0, 3);  // 0 dense, 1 zero, 2 few
  Matrix<Rational> patterns(d, 3);
  for (int i = 0; i < d; ++i)
    for (int p = 0; p < 3; ++p) patterns(i, p) = kind[i] == 1 ? Rational(0) : dyadic(8, 2);
  for (int j = 0; j < n; ++j) {
    const int pattern = *rc::gen::inRange(-2, 3);
    for (int i = 0; i < d; ++i) {
      if (kind[i] == 1 || (kind[i] == 2 && *rc::gen::inRange(0, 8) != 0)) continue;
      X(i, j) = pattern >= 0 ? patterns(i, pattern) : dyadic(8, 3);
    }
  }
  return X;
}

// A few entries of X become inf, -inf, NaN or -0 (one in 4 cases).
template <class T>
void add_specials(Matrix<T>& X) {
  if (*rc::gen::inRange(0, 4) != 0) return;
  const double inf = std::numeric_limits<double>::infinity();
  for (int e = *rc::gen::inRange(1, 3); e > 0; --e) {
    const double v = *rc::gen::element(inf, -inf, std::numeric_limits<double>::quiet_NaN(), -0.0);
    X(*rc::gen::inRange(0, static_cast<int>(X.rows())), *rc::gen::inRange(0, static_cast<int>(X.cols()))) = T(v);
  }
}

// Runs one random layer on random punchcards with the fast and the plain evaluator.
template <class T>
bool fast_equals_plain(AttentionMode mode, bool specials) {
  const int d = *rc::gen::inRange(3, 8), columns = *rc::gen::inRange(16, 42), cards = *rc::gen::inRange(1, 4);
  const LayerSpec spec = random_layer(d);
  auto tf = instantiate<T>(LoopSpec{d, {spec}}, mode);
  Matrix<T> fast = to_scalar<T>(shortcut_punchcards(d, columns, cards));
  if (specials) add_specials(fast);
  Matrix<T> plain = fast;
  tf.apply_layer_batch(0, fast, columns);
  tf.apply_layer_plain(0, plain, columns);
  return same(fast, plain);
}

// A random SUBLEQ program (layout (8, 8, 32, 8)): `loops` loops, fast against plain.
template <class T>
bool subleq_fast_equals_plain(AttentionMode mode, int loops) {
  const auto p = bench::random_program(8, 8, 32, 8);
  blocks::BlockParams params;
  params.lambda = 4;
  const auto compiled = compile::compile_subleq(p, params);
  auto tf = instantiate<T>(compiled.loop, mode);
  Matrix<T> fast = to_scalar<T>(compiled.X0), plain = fast;
  for (int loop = 0; loop < loops; ++loop)
    for (int l = 0; l < tf.layer_count(); ++l) {
      tf.apply_layer(l, fast);
      tf.apply_layer_plain(l, plain, static_cast<int>(plain.cols()));
      if (!same(fast, plain)) return false;
    }
  return true;
}

// One random layer on wide punchcards of random columns (so that a head has more
// distinct queries than detail::kParallelQueries) at 1 and 3 threads.
template <class T>
bool threads_equal_one_thread(AttentionMode mode) {
  const int d = *rc::gen::inRange(3, 8), columns = *rc::gen::inRange(140, 230), cards = *rc::gen::inRange(1, 3);
  const LayerSpec spec = random_layer(d);
  auto one = instantiate<T>(LoopSpec{d, {spec}}, mode), three = one;
  three.set_threads(3);
  Matrix<Rational> X0 = Matrix<Rational>::Zero(d, columns * cards);
  for (Eigen::Index i = 0; i < X0.rows(); ++i)
    if (*rc::gen::inRange(0, 4) != 0)
      for (Eigen::Index j = 0; j < X0.cols(); ++j) X0(i, j) = dyadic(8, 3);
  Matrix<T> a = to_scalar<T>(X0);
  if constexpr (!std::is_same_v<T, Rational>) add_specials(a);  // rationals have no inf or NaN
  Matrix<T> b = a;
  one.apply_layer_batch(0, a, columns);
  three.apply_layer_batch(0, b, columns);
  return same(a, b);
}

// A random SUBLEQ program at n = 256 (the write head has a distinct query per column):
// `loops` loops at 1 and 2 threads.
template <class T>
bool subleq_threads_equal_one_thread(int loops) {
  const auto p = bench::random_program(64, 64, 256, 8);
  const auto compiled = compile::compile_subleq(p, blocks::BlockParams{});
  auto one = instantiate<T>(compiled.loop, AttentionMode::Softmax), two = one;
  two.set_threads(2);
  Matrix<T> a = to_scalar<T>(compiled.X0), b = a;
  for (int loop = 0; loop < loops; ++loop) {
    one.apply_loop(a);
    two.apply_loop(b);
    if (!same(a, b)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the engine gives the same bits on several threads as on one", "[property][engine]") {
  rc::prop("double, softmax", [] { RC_ASSERT(threads_equal_one_thread<double>(AttentionMode::Softmax)); });
  rc::prop("double, hardmax", [] { RC_ASSERT(threads_equal_one_thread<double>(AttentionMode::Hardmax)); });
  rc::prop("float, softmax", [] { RC_ASSERT(threads_equal_one_thread<float>(AttentionMode::Softmax)); });
  rc::prop("bf16, softmax", [] { RC_ASSERT(threads_equal_one_thread<bf16>(AttentionMode::Softmax)); });
  rc::prop("mpfr:100, softmax", [] {
    MpfrPrecisionScope scope(100);
    RC_ASSERT(threads_equal_one_thread<MpfrReal>(AttentionMode::Softmax));
  });
  rc::prop("exact, hardmax", [] { RC_ASSERT(threads_equal_one_thread<Rational>(AttentionMode::Hardmax)); });
  CHECK(subleq_threads_equal_one_thread<double>(3));
  CHECK(subleq_threads_equal_one_thread<fp16>(1));
  {
    MpfrPrecisionScope scope(100);
    CHECK(subleq_threads_equal_one_thread<MpfrReal>(1));
  }
}

TEST_CASE("negative check: threads that run MPFR at the worker's default precision are caught", "[property][engine][negative]") {
  // MPFR's default precision is per thread: a worker that did not take the caller's 100
  // bits would compute its rows at 53. The run at 53 bits differs from the run at 100,
  // which the comparison must see (and the engine's workers take the caller's precision).
  const auto p = bench::random_program(64, 64, 256, 8);
  const auto compiled = compile::compile_subleq(p, blocks::BlockParams{});
  MpfrPrecisionScope scope(100);
  auto one = instantiate<MpfrReal>(compiled.loop, AttentionMode::Softmax), two = one;
  two.set_threads(2);
  Matrix<MpfrReal> a = to_scalar<MpfrReal>(compiled.X0), b = a, at53 = a;
  one.apply_loop(a);
  two.apply_loop(b);
  {
    MpfrPrecisionScope worker_default(53);
    auto low = instantiate<MpfrReal>(compiled.loop, AttentionMode::Softmax);
    low.apply_loop(at53);
  }
  CHECK(same(a, b));
  CHECK_FALSE(same(a, at53));
}

TEST_CASE("the fast evaluator equals the plain evaluator bit for bit", "[property][engine]") {
  rc::prop("double, softmax", [] { RC_ASSERT(fast_equals_plain<double>(AttentionMode::Softmax, true)); });
  rc::prop("double, hardmax", [] { RC_ASSERT(fast_equals_plain<double>(AttentionMode::Hardmax, true)); });
  rc::prop("float, softmax", [] { RC_ASSERT(fast_equals_plain<float>(AttentionMode::Softmax, true)); });
  rc::prop("long double, softmax", [] { RC_ASSERT(fast_equals_plain<long double>(AttentionMode::Softmax, true)); });
  rc::prop("float128, softmax", [] { RC_ASSERT(fast_equals_plain<Float128>(AttentionMode::Softmax, true)); });
  rc::prop("mpfr:100, softmax", [] {
    MpfrPrecisionScope scope(100);
    RC_ASSERT(fast_equals_plain<MpfrReal>(AttentionMode::Softmax, true));
  });
  rc::prop("bf16, softmax", [] { RC_ASSERT(fast_equals_plain<bf16>(AttentionMode::Softmax, true)); });
  rc::prop("fp8e4m3, softmax", [] { RC_ASSERT(fast_equals_plain<fp8e4m3>(AttentionMode::Softmax, true)); });
  rc::prop("NarrowMpfr (mpfr:30), softmax", [] {
    NarrowPrecisionScope scope(30);
    RC_ASSERT(fast_equals_plain<NarrowMpfr>(AttentionMode::Softmax, true));
  });
  rc::prop("exact, hardmax", [] { RC_ASSERT(fast_equals_plain<Rational>(AttentionMode::Hardmax, false)); });
}

TEST_CASE("the fast evaluator equals the plain evaluator on SUBLEQ loops", "[property][engine]") {
  CHECK(subleq_fast_equals_plain<double>(AttentionMode::Softmax, 3));
  CHECK(subleq_fast_equals_plain<float>(AttentionMode::Softmax, 3));
  CHECK(subleq_fast_equals_plain<long double>(AttentionMode::Softmax, 1));
  CHECK(subleq_fast_equals_plain<Float128>(AttentionMode::Softmax, 1));
  CHECK(subleq_fast_equals_plain<bf16>(AttentionMode::Softmax, 2));
  CHECK(subleq_fast_equals_plain<double>(AttentionMode::Hardmax, 2));
  {
    MpfrPrecisionScope scope(100);
    CHECK(subleq_fast_equals_plain<MpfrReal>(AttentionMode::Softmax, 1));
  }
  CHECK(subleq_fast_equals_plain<Rational>(AttentionMode::Hardmax, 1));
}

TEST_CASE("negative check: a uniform-row shortcut that assumes weights of 1 / s is caught", "[property][engine][negative]") {
  // 300 columns at bf16, every query 0, so every row is uniform; the value copies row 0
  // (1 in column 0, else 0), so the read-out is the weight. The plain softmax sums 300
  // ones in bf16 (8 bits): the sum stops at 256, so each weight is 2^-8. The tempting
  // shortcut weight 1 / 300 gives another read-out, which the comparison must see.
  LayerSpec s("uniform", 2);
  HeadSpec& h = s.add_head("h", 1);
  h.query.add(0, 1, 1);  // row 1 is 0 everywhere
  h.key.add(0, 0, 1);
  h.value.add(1, 0, 1);
  const int n = 300;
  Matrix<Rational> X0 = Matrix<Rational>::Zero(2, n);
  X0(0, 0) = 1;
  auto tf = instantiate<bf16>(LoopSpec{2, {s}}, AttentionMode::Softmax);
  Matrix<bf16> fast = to_scalar<bf16>(X0), plain = fast;
  tf.apply_layer(0, fast);
  tf.apply_layer_plain(0, plain, n);
  const bf16 naive_weight = bf16(1.0) / bf16(double(n));
  Matrix<bf16> wrong = plain;
  wrong.row(1).setConstant(naive_weight);  // row 1 was 0: the read-out is all it holds
  CHECK(same(fast, plain));
  CHECK_FALSE(same(wrong, plain));
  CHECK(plain(1, 0).value() == std::ldexp(1.0, -8));
}

TEST_CASE("negative check: a feed-forward that merges columns by value, not by bits, is caught", "[property][engine][negative]") {
  // One unit reads row 0 (0 in every column); its output, weight -1, is added to row 1,
  // which is +0 in column 0 and -0 in column 1. The unit gives +0 and the product -0, so
  // column 0 ends at +0 + -0 = +0 and column 1 at -0 + -0 = -0. Columns 0 and 1 are equal
  // by value (+0 == -0) in every row the layer reads: merging them copies +0 into column
  // 1, which the comparison must see; the engine merges only bitwise identical columns.
  LayerSpec s("ffn", 2);
  const int unit = s.ffn.add_unit(Rational(0), {{0, Rational(1)}});
  s.ffn.add_output(1, unit, Rational(-1));
  const int n = 32;
  auto tf = instantiate<double>(LoopSpec{2, {s}}, AttentionMode::Softmax);
  Matrix<double> fast = Matrix<double>::Zero(2, n);
  fast(1, 1) = -0.0;
  Matrix<double> plain = fast;
  tf.apply_layer(0, fast);
  tf.apply_layer_plain(0, plain, n);
  Matrix<double> merged_by_value = plain;
  merged_by_value(1, 1) = plain(1, 0);
  CHECK(same(fast, plain));
  CHECK(std::signbit(plain(1, 1)));
  CHECK_FALSE(same(merged_by_value, plain));
}
