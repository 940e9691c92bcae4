// Property: sparse evaluation equals a dense reference evaluation of the same layer,
// written here independently (plain loops over full d x d matrices), on random sparse
// layers with dyadic-rational weights. Exact (hardmax) and double (softmax) runs.
// Property: a batch of punchcards side by side (apply_layer_batch) gives every
// punchcard bit for bit what it gives on its own, at double, mpfr:100 and exact.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "tf/transformer.hpp"

using namespace loopcert;

namespace {
// A dyadic rational k / 2^s from integers (RapidCheck's float generators are avoided).
rc::Gen<Rational> dyadic(int max_abs_numerator, int max_shift) {
  return rc::gen::map(rc::gen::pair(rc::gen::inRange(-max_abs_numerator, max_abs_numerator + 1), rc::gen::inRange(0, max_shift + 1)),
                      [](std::pair<int, int> p) { return Rational(p.first) * pow2(-p.second); });
}

struct RandomLayer {
  LayerSpec spec;
  Matrix<Rational> X;
};

Matrix<Rational> random_punchcard(int d, int n) {
  Matrix<Rational> X(d, n);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < n; ++j) X(i, j) = *dyadic(8, 3);
  return X;
}

RandomLayer random_layer(int max_columns = 5) {
  const int d = *rc::gen::inRange(2, 7);
  const int n = *rc::gen::inRange(1, max_columns + 1);
  RandomLayer r{LayerSpec("random", d), Matrix<Rational>(d, n)};
  r.spec.lambda = *rc::gen::inRange(1, 4);
  const int heads = *rc::gen::inRange(0, 3);
  for (int h = 0; h < heads; ++h) {
    HeadSpec& head = r.spec.add_head("h" + std::to_string(h), *rc::gen::inRange(1, 3));
    for (auto* m : {&head.query, &head.key, &head.value}) {
      const int entries = *rc::gen::inRange(0, 5);
      for (int e = 0; e < entries; ++e)
        m->add(*rc::gen::inRange(0, m->rows), *rc::gen::inRange(0, d), *dyadic(4, 2));
    }
  }
  const int units = *rc::gen::inRange(0, 5);
  for (int u = 0; u < units; ++u) {
    std::vector<std::pair<int, Rational>> in;
    for (int e = *rc::gen::inRange(0, 3); e > 0; --e) in.emplace_back(*rc::gen::inRange(0, d), *dyadic(4, 2));
    int unit = r.spec.ffn.add_unit(*dyadic(4, 2), in);
    r.spec.ffn.add_output(*rc::gen::inRange(0, d), unit, *dyadic(4, 2));
  }
  if (*rc::gen::arbitrary<bool>()) r.spec.ffn.add_bias(*rc::gen::inRange(0, d), *dyadic(4, 2));
  r.X = random_punchcard(d, n);
  return r;
}

// Dense reference: every matrix expanded to full size, the formula of DESIGN.md 3.
template <class T, class Exp>
Matrix<T> dense_layer(const LayerSpec& s, const Matrix<T>& X, bool hardmax, Exp exp_fn) {
  const int d = s.d, n = static_cast<int>(X.cols());
  auto dense = [&](const SparseSpec& m) {
    Matrix<T> D = Matrix<T>::Zero(m.rows, m.cols);
    for (const auto& e : m.entries) D(e.row, e.col) += ScalarTraits<T>::from_rational(e.value);
    return D;
  };
  Matrix<T> A = X;
  for (const auto& h : s.heads) {
    Matrix<T> Q = dense(h.query) * X, K = dense(h.key) * X, V = dense(h.value) * X;
    Matrix<T> P(n, n);  // P(i, j): weight of key i for query j
    for (int j = 0; j < n; ++j) {
      std::vector<T> sc(n);
      for (int i = 0; i < n; ++i) {
        sc[i] = T(0);
        for (int k = 0; k < h.key_dim; ++k) sc[i] += K(k, i) * Q(k, j);
      }
      T top = *std::max_element(sc.begin(), sc.end());
      T total = T(0);
      int ties = 0;
      for (int i = 0; i < n; ++i) ties += sc[i] == top;
      for (int i = 0; i < n; ++i) {
        P(i, j) = hardmax ? (sc[i] == top ? T(1) / T(ties) : T(0)) : exp_fn(ScalarTraits<T>::from_rational(s.lambda) * (sc[i] - top));
        total += P(i, j);
      }
      for (int i = 0; i < n; ++i) P(i, j) /= total;
    }
    A += V * P;
  }
  Matrix<T> H = dense(s.ffn.w1) * A;
  for (int u = 0; u < s.ffn.hidden; ++u)
    for (int j = 0; j < n; ++j) H(u, j) = std::max(T(0), H(u, j) + ScalarTraits<T>::from_rational(s.ffn.b1[u]));
  Matrix<T> F = A + dense(s.ffn.w2) * H;
  for (const auto& [row, b] : s.ffn.b2)
    for (int j = 0; j < n; ++j) F(row, j) += ScalarTraits<T>::from_rational(b);
  (void)d;
  return F;
}
}  // namespace

TEST_CASE("sparse evaluation equals dense evaluation", "[property][engine]") {
  rc::prop("exact, hardmax: identical", [] {
    RandomLayer r = random_layer();
    LoopSpec loop{r.spec.d, {r.spec}};
    auto tf = instantiate<Rational>(loop, AttentionMode::Hardmax);
    Matrix<Rational> sparse = r.X;
    tf.apply_loop(sparse);
    Matrix<Rational> dense = dense_layer<Rational>(r.spec, r.X, true, [](const Rational& x) { return x; });
    RC_ASSERT(sparse == dense);
  });
  rc::prop("double, softmax: equal to a few ulps", [] {
    RandomLayer r = random_layer();
    LoopSpec loop{r.spec.d, {r.spec}};
    auto tf = instantiate<double>(loop, AttentionMode::Softmax);
    Matrix<double> X = to_scalar<double>(r.X), sparse = X;
    tf.apply_loop(sparse);
    Matrix<double> dense = dense_layer<double>(r.spec, X, false, [](double x) { return std::exp(x); });
    const double scale = 1 + dense.cwiseAbs().maxCoeff();
    RC_ASSERT((sparse - dense).cwiseAbs().maxCoeff() <= 1e-12 * scale);
  });
}

namespace {
// d = 2, one head: row 0 is the key and query, the head copies row 0 of the column with
// the largest key (under hardmax) into row 1.
LayerSpec copy_largest_key_layer() {
  LayerSpec s("one", 2);
  HeadSpec& h = s.add_head("h", 1);
  h.query.add(0, 0, 1);
  h.key.add(0, 0, 1);
  h.value.add(1, 0, 1);
  return s;
}
}  // namespace

TEST_CASE("negative check: the dense comparison notices a changed weight", "[property][engine][negative]") {
  // Evaluate a spec, then compare with the dense evaluation of a spec that differs in
  // one value weight: the property's comparison must report the difference.
  const LayerSpec s = copy_largest_key_layer();
  LayerSpec broken = s;
  broken.heads[0].value.entries[0].value = 2;
  Matrix<Rational> X(2, 2);
  X << 1, 2, 0, 0;
  auto tf = instantiate<Rational>(LoopSpec{2, {s}}, AttentionMode::Hardmax);
  Matrix<Rational> sparse = X;
  tf.apply_loop(sparse);
  CHECK(sparse != dense_layer<Rational>(broken, X, true, [](const Rational& x) { return x; }));
  CHECK(sparse == dense_layer<Rational>(s, X, true, [](const Rational& x) { return x; }));
}

namespace {
// Runs r's layer on `cards` random punchcards (the first is r.X) side by side with
// apply_layer_batch and each on its own with apply_layer; true when every entry agrees
// bit for bit (== on the scalar).
template <class T>
bool batch_matches_single(const RandomLayer& r, int cards, AttentionMode mode) {
  const Eigen::Index n = r.X.cols();
  auto tf = instantiate<T>(LoopSpec{r.spec.d, {r.spec}}, mode);
  std::vector<Matrix<T>> single;
  Matrix<T> batch(r.spec.d, n * cards);
  for (int c = 0; c < cards; ++c) {
    single.push_back(to_scalar<T>(c == 0 ? r.X : random_punchcard(r.spec.d, static_cast<int>(n))));
    batch.middleCols(c * n, n) = single.back();
  }
  tf.apply_layer_batch(0, batch, static_cast<int>(n));
  for (int c = 0; c < cards; ++c) {
    tf.apply_layer(0, single[c]);
    for (Eigen::Index i = 0; i < batch.rows(); ++i)
      for (Eigen::Index j = 0; j < n; ++j)
        if (!(batch(i, c * n + j) == single[c](i, j))) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("a batch of punchcards equals each punchcard on its own", "[property][engine]") {
  // Up to 12 columns, so that the vectorised paths (dot, exp, max) see rows longer than
  // a SIMD register and rows that start at other alignments.
  rc::prop("double, softmax: bit for bit", [] {
    RandomLayer r = random_layer(12);
    RC_ASSERT(batch_matches_single<double>(r, *rc::gen::inRange(1, 6), AttentionMode::Softmax));
  });
  rc::prop("float, softmax: bit for bit", [] {
    RandomLayer r = random_layer(12);
    RC_ASSERT(batch_matches_single<float>(r, *rc::gen::inRange(1, 6), AttentionMode::Softmax));
  });
  rc::prop("mpfr:100, softmax: bit for bit", [] {
    MpfrPrecisionScope scope(100);
    RandomLayer r = random_layer(6);
    RC_ASSERT(batch_matches_single<MpfrReal>(r, *rc::gen::inRange(1, 4), AttentionMode::Softmax));
  });
  rc::prop("exact, hardmax: identical", [] {
    RandomLayer r = random_layer(6);
    RC_ASSERT(batch_matches_single<Rational>(r, *rc::gen::inRange(1, 4), AttentionMode::Hardmax));
  });
}

TEST_CASE("negative check: a batch whose attention crossed punchcards would be noticed", "[property][engine][negative]") {
  // Two punchcards of one column each, whose query attends to the larger key: run as
  // one punchcard of two columns (apply_layer), the first column sees the second
  // card's key and differs from the first card run alone.
  const LayerSpec s = copy_largest_key_layer();
  auto tf = instantiate<Rational>(LoopSpec{2, {s}}, AttentionMode::Hardmax);
  Matrix<Rational> both(2, 2), first(2, 1);
  both << 1, 2, 0, 0;
  first << 1, 0;
  Matrix<Rational> crossed = both;
  tf.apply_layer(0, crossed);
  tf.apply_layer_batch(0, both, 1);
  tf.apply_layer(0, first);
  CHECK(crossed(1, 0) != first(1, 0));
  CHECK(both(1, 0) == first(1, 0));
  CHECK_THROWS_WITH(tf.apply_layer_batch(0, both, 3), Catch::Contains("not made of punchcards of 3 columns"));
}
