// The block certificates over intervals (cert/block_certificate.hpp) and `certify
// --lemma`: certified where the head is right, never below what the target scalar
// really computes on points of the ball (the certificate and the runs never disagree),
// not above the paper's bound where the box is tight, and unknown for a broken weight or
// a temperature far too low.
#include <catch2/catch.hpp>

#include <random>

#include "blocks/read.hpp"
#include "blocks/write.hpp"
#include "cert/block_certificate.hpp"
#include "cli_runner.hpp"
#include "compile/encoding.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/assembler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

// The 3-bit countdown of the exhaustive certificate and the mutation tests.
isa::SubleqProgram tiny() { return isa::load_sq(testing::source_dir() + "/examples/certify/tiny3.sq"); }

blocks::BlockParams default_params(const isa::SubleqProgram& p) {
  blocks::BlockParams params;
  params.lambda = compile::default_lambda(compile::subleq_layout(p), params);
  return params;
}

cert::BlockCertificate certify(const std::string& lemma, const isa::SubleqProgram& p, const blocks::BlockParams& params, Rational delta,
                               int splits = 0, const std::string& scalar = "double") {
  cert::BlockOptions o;
  o.scalar = parse_scalar(scalar);
  o.delta = delta;
  o.splits = splits;
  return cert::certify_block(lemma, p, params, o);
}

// The read head at double on random points of the ball (the certificate's boxes): the
// largest distance of the copy from its bit, over every cell and `samples` points each.
double observed_read(const isa::SubleqProgram& p, const blocks::BlockParams& params, double delta, int samples) {
  const Layout layout = compile::subleq_layout(p);
  LayerSpec layer = blocks::read(layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, params);
  layer.ffn = FfnSpec{};
  LoopedTransformer<double> tf({instantiate_layer<double>(layer, params.lambda)}, layout.rows(), AttentionMode::Softmax);
  const Matrix<double> base = to_scalar<double>(compile::encode(layout, p, 0, p.memory));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(-1, 1);
  const int work = layout.scratch().begin, L = layout.address_bits();
  double worst = 0;
  for (int cell = 0; cell < p.cells(); ++cell)
    for (int t = 0; t < samples; ++t) {
      Matrix<double> X = base;
      const auto code = compile::position_code(p.memory_column(cell), L);
      for (int k = 0; k < L; ++k) X(layout.row("ins_a", k), work) = code[k] + delta * unit(rng);
      const RowBlock& mem = layout.block("mem");
      for (int b = 0; b < mem.size; ++b)
        for (int j = 0; j < layout.columns(); ++j)
          X(mem.row(b), j) = j == p.memory_column(cell) ? 1 + delta * unit(rng) : (unit(rng) < 0 ? -1 : 1) * (1 + delta * unit(rng));
      tf.apply_layer(0, X);
      for (int b = 0; b < mem.size; ++b) worst = std::max(worst, std::abs(X(layout.row("val_a", b), work) - 1));
    }
  return worst;
}

}  // namespace

TEST_CASE("certify --lemma read: certified, never below the double runs, not above the paper's bound when tight", "[certify][interval]") {
  const auto p = tiny();
  const auto params = default_params(p);
  for (const Rational& delta : {Rational(0), Rational(1, 1 << 20)}) {
    const auto c = certify("read", p, params, delta);
    INFO("delta " << to_double(delta) << ": certified " << c.quantities[0].certified << ", paper " << c.quantities[0].paper);
    CHECK(c.verdict == cert::Verdict::Certified);
    CHECK(c.cases == p.cells());
    CHECK(c.quantities[0].certified >= observed_read(p, params, to_double(delta), 50));
    CHECK(c.quantities[0].certified <= c.quantities[0].paper);
  }
}

TEST_CASE("certify --lemma read: splitting the pointer box only tightens, and stays sound", "[certify][interval]") {
  const auto p = tiny();
  const auto params = default_params(p);
  const Rational delta(1, 64);
  const auto whole = certify("read", p, params, delta, 0), split = certify("read", p, params, delta, 2);
  INFO("whole " << whole.quantities[0].certified << ", split " << split.quantities[0].certified);
  CHECK(split.boxes == whole.boxes << (2 * split.L));
  CHECK(split.quantities[0].certified <= whole.quantities[0].certified);
  CHECK(split.quantities[0].certified >= observed_read(p, params, to_double(delta), 200));
}

TEST_CASE("certify --lemma write: the hit weight within the paper's bound of 1/2", "[certify][interval]") {
  const auto p = tiny();
  const auto c = certify("write", p, default_params(p), Rational(0));
  INFO("certified " << c.quantities[0].certified << ", paper " << c.quantities[0].paper);
  CHECK(c.verdict == cert::Verdict::Certified);
  CHECK(c.quantities[0].certified <= c.quantities[0].paper);
  CHECK(c.quantities[0].certified < 0.5);
}

TEST_CASE("certify --lemma read: negative checks, a broken weight and a low temperature are not certified", "[certify][interval][negative]") {
  const auto p = tiny();
  auto params = default_params(p);
  cert::BlockOptions broken;
  broken.scalar = parse_scalar("double");
  broken.alter = [](LayerSpec& layer) {
    for (auto& e : layer.heads[0].value.entries) e.value = e.value * 2;  // the copy doubled
  };
  CHECK(cert::certify_block("read", p, params, broken).verdict == cert::Verdict::Unknown);
  params.lambda = Rational(1, 2);
  CHECK(certify("read", p, params, Rational(0)).verdict == cert::Verdict::Unknown);
}

TEST_CASE("certify --lemma: the CLI prints the verdict, the paper's bound and what it is sound for", "[certify][interval][cli]") {
  const auto ok = testing::run_cli("certify --lemma read --layout 1,3,8,3 --scalar float");
  CHECK(ok.status == 0);
  CHECK(ok.out.find("verdict: certified") != std::string::npos);
  CHECK(ok.out.find("paper") != std::string::npos);
  CHECK(ok.out.find("sound for: float") != std::string::npos);
  const auto json = testing::run_cli("certify --lemma write --layout 1,3,8,3 --json");
  CHECK(json.status == 0);
  CHECK(json.out.find("\"verdict\": \"certified\"") != std::string::npos);
  const auto low = testing::run_cli("certify --lemma read --layout 1,3,8,3 --lambda 0.5");
  CHECK(low.status == 1);
  CHECK(low.out.find("verdict: unknown") != std::string::npos);
  // Without --lemma or --exhaustive: the loop certificate (tests/test_certify_loop.cpp).
  CHECK(testing::run_cli("certify --layout 1,3,8,3").out.find("loop certificate") != std::string::npos);
  CHECK(testing::run_cli("certify --lemma add --layout 1,3,8,3").status == 2);
  CHECK(testing::run_cli("certify --lemma read --layout 1,3,8,3 --delta -1").status == 2);
}
