// The evaluator of DESIGN.md section 3 on small cases computed by hand, at double,
// mpfr:200 and exact (hardmax).
#include <catch2/catch.hpp>
#include <thread>

#include "core/scalar_name.hpp"
#include "tf/layout.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {
// d = 3 rows: 0 = key/query feature, 1 = value, 2 = output. Two tokens.
// Query row 0 of column j, key row 0 of column i: score(i, j) = x0_i * x0_j.
LoopSpec one_head(const Rational& lambda) {
  LayerSpec layer("attn", 3);
  layer.lambda = lambda;
  HeadSpec& h = layer.add_head("h", 1);
  h.query.add(0, 0, 1);
  h.key.add(0, 0, 1);
  h.value.add(2, 1, 1);  // output row 2 += value row 1
  LoopSpec spec;
  spec.d = 3;
  spec.layers.push_back(layer);
  return spec;
}

Matrix<Rational> two_tokens(const Rational& a, const Rational& b) {
  Matrix<Rational> X(3, 2);
  X << a, b, Rational(10), Rational(20), Rational(0), Rational(0);
  return X;
}
}  // namespace

TEST_CASE("softmax head matches the hand computation at double and mpfr:200", "[engine]") {
  // Column 0: scores (x0_0*x0_0, x0_1*x0_0) = (1, 2) (x0 = (1, 2)), lambda = 1:
  // weights (e^1, e^2)/(e^1+e^2); output = 10 w0 + 20 w1.
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e4 = std::exp(4.0);
  const double out0 = (10 * e1 + 20 * e2) / (e1 + e2);
  const double out1 = (10 * e2 + 20 * e4) / (e2 + e4);  // column 1: scores (2, 4)
  SECTION("double") {
    auto tf = instantiate<double>(one_head(1), AttentionMode::Softmax);
    Matrix<double> X = to_scalar<double>(two_tokens(1, 2));
    tf.apply_loop(X);
    CHECK(X(2, 0) == Approx(out0).epsilon(1e-14));
    CHECK(X(2, 1) == Approx(out1).epsilon(1e-14));
    CHECK(X(0, 0) == 1.0);  // untouched rows stay exact
  }
  SECTION("mpfr:200") {
    MpfrPrecisionScope scope(200);
    auto tf = instantiate<MpfrReal>(one_head(1), AttentionMode::Softmax);
    Matrix<MpfrReal> X = to_scalar<MpfrReal>(two_tokens(1, 2));
    tf.apply_loop(X);
    MpfrReal E1 = exp(MpfrReal(1)), E2 = exp(MpfrReal(2));
    MpfrReal expect = (MpfrReal(10) * E1 + MpfrReal(20) * E2) / (E1 + E2);
    CHECK(X(2, 0).precision() == 200);
    CHECK(static_cast<double>(abs(X(2, 0) - expect)) < 1e-55);
  }
}

TEST_CASE("stable softmax survives scores where a naive exp overflows", "[engine]") {
  // lambda = 1000 and scores up to 4: naive exp(4000) is inf in double.
  auto tf = instantiate<double>(one_head(1000), AttentionMode::Softmax);
  Matrix<double> X = to_scalar<double>(two_tokens(1, 2));
  tf.apply_loop(X);
  CHECK(X(2, 0) == 20.0);  // all weight on the larger score
  CHECK(X(2, 1) == 20.0);
  CHECK_FALSE(LoopedTransformer<double>::find_non_finite(X).has_value());
}

TEST_CASE("hardmax is exact over rationals and uniform on ties", "[engine]") {
  auto tf = instantiate<Rational>(one_head(1), AttentionMode::Hardmax);
  SECTION("unique maximiser") {
    Matrix<Rational> X = two_tokens(1, 2);
    tf.apply_loop(X);
    CHECK(X(2, 0) == 20);
    CHECK(X(2, 1) == 20);
  }
  SECTION("a tie splits the weight evenly") {
    Matrix<Rational> X = two_tokens(0, 0);  // all scores 0
    tf.apply_loop(X);
    CHECK(X(2, 0) == 15);
    CHECK(X(2, 1) == 15);
  }
  SECTION("exact rationals keep thirds exact") {
    Matrix<Rational> X(3, 3);
    X << 0, 0, 0, 1, 2, 4, 0, 0, 0;
    tf.apply_loop(X);
    CHECK(X(2, 0) == Rational(7, 3));
  }
}

TEST_CASE("exact scalars refuse softmax", "[engine]") {
  CHECK_THROWS_WITH(instantiate<Rational>(one_head(1), AttentionMode::Softmax), Catch::Contains("hardmax"));
}

TEST_CASE("feed-forward sublayer: relu units, W2 and the bias b2 1^T", "[engine]") {
  // F(x) = x + relu(x0 - 1) * 3 on row 1, plus bias 1/2 on row 2.
  LayerSpec layer("ffn", 3);
  int u = layer.ffn.add_unit(-1, {{0, 1}});
  layer.ffn.add_output(1, u, 3);
  layer.ffn.add_bias(2, Rational(1, 2));
  LoopSpec spec{3, {layer}};
  auto tf = instantiate<Rational>(spec, AttentionMode::Hardmax);
  Matrix<Rational> X(3, 2);
  X << 0, 3, 5, 5, 0, 0;
  tf.apply_loop(X);
  CHECK(X(1, 0) == 5);   // relu(-1) = 0
  CHECK(X(1, 1) == 11);  // 5 + 3 * relu(2)
  CHECK(X(2, 0) == Rational(1, 2));
  CHECK(X(2, 1) == Rational(1, 2));
}

TEST_CASE("merging blocks that write the same rows is refused", "[engine]") {
  LayerSpec a("a", 4), b("b", 4);
  a.writes = {"mem"};
  b.writes = {"mem"};
  CHECK_THROWS_WITH(a.merge(b), Catch::Contains("both write row block 'mem'"));
}

TEST_CASE("layout: named blocks, collisions and unknown names", "[layout]") {
  Layout layout(1, 4, 5);
  layout.add("pos", 4);
  layout.add("mem", 8);
  CHECK(layout.row("mem", 0) == 4);
  CHECK(layout.rows() == 12);
  CHECK(layout.address_bits() == 4);  // n = 10 columns
  CHECK_THROWS_WITH(layout.add("pos", 2), Catch::Contains("defined twice"));
  CHECK_THROWS_WITH(layout.add_at("buf", 3, 2), Catch::Contains("overlaps 'pos'"));
  CHECK_THROWS_WITH(layout.row("nope"), Catch::Contains("no row block named 'nope'"));
  CHECK_THROWS_WITH(layout.row("mem", 8), Catch::Contains("outside block 'mem'"));
  CHECK(layout.describe_row(5) == "mem[1]");
}

TEST_CASE("scalar names parse, and bad names say what is accepted", "[scalar]") {
  CHECK(parse_scalar("double").kind == ScalarKind::Double);
  CHECK(parse_scalar("long-double").kind == ScalarKind::LongDouble);
  CHECK(parse_scalar("mpfr:200").precision == 200);
  CHECK(parse_scalar("mpfr:200").name() == "mpfr:200");
  CHECK(parse_scalar("exact").exact());
  CHECK_THROWS_WITH(parse_scalar("mpfr:1"), Catch::Contains("at least 2 bits"));
  CHECK_THROWS_WITH(parse_scalar("mpfr:x"), Catch::Contains("not an integer"));
  CHECK_THROWS_WITH(parse_scalar("mpfr:"), Catch::Contains("missing precision"));
  CHECK_THROWS_WITH(parse_scalar("fp7"), Catch::Contains("unknown scalar 'fp7'"));
}

TEST_CASE("MPFR precision is scoped per thread and restored", "[scalar]") {
  long before = MpfrPrecisionScope::current();
  {
    MpfrPrecisionScope outer(100);
    MpfrReal a(1);
    CHECK(a.precision() == 100);
    {
      MpfrPrecisionScope inner(300);
      CHECK(MpfrReal(1).precision() == 300);
    }
    CHECK(MpfrReal(1).precision() == 100);
    long seen_in_thread = 0;
    std::thread([&] { seen_in_thread = MpfrPrecisionScope::current(); }).join();
    CHECK(seen_in_thread == 53);  // another thread does not see this thread's setting
  }
  CHECK(MpfrPrecisionScope::current() == before);
}

TEST_CASE("weights round to the scalar once, with its own rounding", "[scalar]") {
  Rational third(1, 3);
  CHECK(ScalarTraits<double>::from_rational(third) == 1.0 / 3.0);
  CHECK(ScalarTraits<float>::from_rational(third) == 1.0f / 3.0f);
  MpfrPrecisionScope scope(8);
  MpfrReal x = ScalarTraits<MpfrReal>::from_rational(third);
  CHECK(static_cast<double>(x) == 0.333984375);  // 171/512: nearest 8-bit value
}

TEST_CASE("exact decimal parsing", "[scalar]") {
  CHECK(parse_rational("3.5") == Rational(7, 2));
  CHECK(parse_rational("-0.25") == Rational(-1, 4));
  CHECK(parse_rational("1e-3") == Rational(1, 1000));
  CHECK(parse_rational("7/2") == Rational(7, 2));
  CHECK_THROWS_WITH(parse_rational("abc"), Catch::Contains("not a number"));
  CHECK_THROWS(parse_rational("1.2.3"));
}
