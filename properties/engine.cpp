// Property: sparse evaluation equals a dense reference evaluation of the same layer,
// written here independently (plain loops over full d x d matrices), on random sparse
// layers with dyadic-rational weights. Exact (hardmax) and double (softmax) runs.
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

RandomLayer random_layer() {
  const int d = *rc::gen::inRange(2, 7);
  const int n = *rc::gen::inRange(1, 6);
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
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < n; ++j) r.X(i, j) = *dyadic(8, 3);
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

TEST_CASE("negative check: the dense comparison notices a changed weight", "[property][engine][negative]") {
  // Evaluate a spec, then compare with the dense evaluation of a spec that differs in
  // one value weight: the property's comparison must report the difference.
  LayerSpec s("one", 2);
  HeadSpec& h = s.add_head("h", 1);
  h.query.add(0, 0, 1);
  h.key.add(0, 0, 1);
  h.value.add(1, 0, 1);
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
