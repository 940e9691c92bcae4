// The loop certificate (cert/loop_certificate.hpp) and its ReLU block certificates
// (cert/ffn_certificate.hpp): each feed-forward ball contains what the double engine
// computes on random points of the input ball; the snap and the clears map their balls
// to (near) points; the loop certificate certifies the tiny counter and a small layout,
// and it is never `certified` where the exhaustive certificate refutes (several scalars
// and temperatures, and a broken weight).
#include <catch2/catch.hpp>

#include <random>

#include "blocks/read.hpp"
#include "cert/exhaustive.hpp"
#include "cert/loop_certificate.hpp"
#include "cert/rounding_model.hpp"
#include "cli_runner.hpp"
#include "compile/subleq/compiler.hpp"
#include "isa/subleq/assembler.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

isa::SubleqProgram tiny() { return isa::load_sq(testing::source_dir() + "/examples/certify/tiny3.sq"); }

compile::CompiledSubleq compiled(const isa::SubleqProgram& p, Rational lambda) {
  blocks::BlockParams params;
  params.lambda = lambda;
  return compile::compile_subleq(p, params);
}

cert::LoopCertificate certify_loop(const isa::SubleqProgram& p, const compile::CompiledSubleq& c, const std::string& scalar) {
  cert::LoopOptions o;
  o.scalar = parse_scalar(scalar);
  return cert::certify_loop(p, c, o);
}

// The read block's feed-forward (the snap of val_a) with the attention removed.
struct SnapSetup {
  isa::SubleqProgram p = tiny();
  Layout layout = compile::subleq_layout(p);
  LayerSpec layer = blocks::read(layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, blocks::BlockParams{});
  int work = layout.scratch().begin;
};

cert::ColumnBall work_column_ball(const SnapSetup& s, double radius) {
  cert::ColumnBall in(s.layout.rows());
  in[s.layout.row("is_work")] = {{1.0}, 0};
  for (int k = 0; k < s.layout.block("val_a").size; ++k) in[s.layout.row("val_a", k)] = {{-1.0, 1.0}, radius};
  return in;
}

// The double engine's feed-forward on a point of the ball; the largest distance of the
// written rows from the nearest ideal value (+-1).
double observed_snap(const SnapSetup& s, double radius, std::mt19937_64& rng) {
  LayerSpec ffn_only = s.layer;
  ffn_only.heads.clear();
  LoopedTransformer<double> tf({instantiate_layer<double>(ffn_only)}, s.layout.rows(), AttentionMode::Softmax);
  std::uniform_real_distribution<double> noise(-radius, radius);
  Matrix<double> X = Matrix<double>::Zero(s.layout.rows(), 1);
  X(s.layout.row("is_work"), 0) = 1;
  std::vector<double> bit;
  for (int k = 0; k < s.layout.block("val_a").size; ++k) {
    bit.push_back(rng() % 2 ? 1.0 : -1.0);
    X(s.layout.row("val_a", k), 0) = bit.back() + noise(rng);
  }
  tf.apply_layer(0, X);
  double worst = 0;
  for (int k = 0; k < s.layout.block("val_a").size; ++k) worst = std::max(worst, std::abs(X(s.layout.row("val_a", k), 0) - bit[k]));
  return worst;
}

}  // namespace

TEST_CASE("ffn certificate: the snap maps its ball to near points, and contains the double engine", "[certify][loop]") {
  const SnapSetup s;
  const cert::FfnRounding at_double = cert::ffn_rounding(cert::rounding_model(parse_scalar("double")));
  const auto c = cert::certify_ffn(s.layer.ffn, work_column_ball(s, 0.4), at_double);
  REQUIRE_FALSE(c.failure);
  const cert::EntryBall& out = c.out[s.layout.row("val_a", 0)];
  CHECK(out.centers == std::vector<double>{-1.0, 1.0});
  CHECK(out.radius > 0);       // rounding: not exact at double
  CHECK(out.radius < 1e-12);   // the snap's dependence on x cancels (plain intervals give about 1.6)
  CHECK(c.straddles.empty());
  std::mt19937_64 rng(11);
  for (int t = 0; t < 200; ++t) CHECK(observed_snap(s, 0.4, rng) <= out.radius);
  // Past the snap threshold 1/2 the ReLU at x - 1/2 straddles: the ball is no longer a point.
  const auto wide = cert::certify_ffn(s.layer.ffn, work_column_ball(s, 0.6), at_double);
  CHECK(wide.out[s.layout.row("val_a", 0)].radius >= 0.1);
  CHECK_FALSE(wide.straddles.empty());
  // Negative check: a broken snap slope leaves the ball wide.
  LayerSpec broken = s.layer;
  for (auto& e : broken.ffn.w2.entries)
    if (e.value == 2) e.value = Rational(5, 2);
  CHECK(cert::certify_ffn(broken.ffn, work_column_ball(s, 0.4), at_double).out[s.layout.row("val_a", 0)].radius >= 0.1);
}

TEST_CASE("ffn certificate: the clears map an attention's garbage exactly to 0", "[certify][loop]") {
  const SnapSetup s;
  cert::ColumnBall garbage(s.layout.rows());  // an idle column: is_work = 0, the copy anywhere in [-1, 1]
  for (int k = 0; k < s.layout.block("val_a").size; ++k) garbage[s.layout.row("val_a", k)] = {{0.0}, 1.0};
  for (const std::string scalar : {"double", "float", "mpfr:11"}) {
    const auto c = cert::certify_ffn(s.layer.ffn, garbage, cert::ffn_rounding(cert::rounding_model(parse_scalar(scalar))));
    REQUIRE_FALSE(c.failure);
    const cert::EntryBall& out = c.out[s.layout.row("val_a", 0)];
    CHECK(out.constant());
    CHECK(out.centers[0] == 0);
  }
}

TEST_CASE("certify loop: the tiny counter is certified at double, and the certificate closes", "[certify][loop]") {
  const auto p = tiny();
  const auto c = certify_loop(p, compiled(p, 3), "double");
  INFO(c.reason);
  REQUIRE(c.verdict == cert::Verdict::Certified);
  CHECK(c.rho_mem > 0);
  CHECK(c.rho_mem < 1e-12);
  CHECK(c.rho_pc < 1e-10);
  CHECK(c.passes >= 2);  // from the exact encoding's radius 0 to what one loop gives
  CHECK(!c.steps.empty());
  CHECK(c.sound_for.find("Theorem 1") != std::string::npos);
}

TEST_CASE("certify loop is never certified where the exhaustive certificate refutes", "[certify][loop]") {
  const auto p = tiny();
  int certified = 0, refuted = 0;
  for (const std::string scalar : {"double", "float", "bf16", "mpfr:8"})
    for (const Rational lambda : {Rational(1, 4), Rational(1), Rational(2), Rational(3)}) {
      const auto c = compiled(p, lambda);
      const auto loop = certify_loop(p, c, scalar);
      cert::ExhaustiveOptions o;
      o.scalar = parse_scalar(scalar);
      const auto exhaustive = cert::certify_exhaustive(p, c, o);
      INFO(scalar << " lambda " << lambda.str() << ": loop " << cert::to_string(loop.verdict) << " (" << loop.reason << "), exhaustive "
                  << cert::to_string(exhaustive.verdict));
      if (exhaustive.verdict == cert::Verdict::Refuted) CHECK(loop.verdict != cert::Verdict::Certified);
      certified += loop.verdict == cert::Verdict::Certified;
      refuted += exhaustive.verdict == cert::Verdict::Refuted;
    }
  CHECK(certified > 0);  // both sides occur, so the comparison says something
  CHECK(refuted > 0);
}

TEST_CASE("certify loop refutes a temperature far too low and a broken weight, with a witness", "[certify][loop]") {
  const auto p = tiny();
  const auto low = certify_loop(p, compiled(p, Rational(1, 4)), "double");
  CHECK(low.verdict == cert::Verdict::Refuted);
  REQUIRE(low.witness);
  CHECK(!low.witness->got.empty());
  auto c = compiled(p, 3);
  for (auto& layer : c.loop.layers)  // the exhaustive test's negative check: the write's outputs doubled
    if (layer.name == "write")
      for (auto& e : layer.ffn.w2.entries) e.value *= 2;
  const auto broken = certify_loop(p, c, "double");
  CHECK(broken.verdict != cert::Verdict::Certified);
  cert::ExhaustiveOptions o;
  o.scalar = parse_scalar("double");
  CHECK(cert::certify_exhaustive(p, c, o).verdict != cert::Verdict::Certified);
}

TEST_CASE("certify --layout: verdict, sound-for line, JSON and exit codes", "[certify][loop][cli]") {
  const auto ok = testing::run_cli("certify --layout 1,3,8,3");
  CHECK(ok.status == 0);
  CHECK(ok.out.find("verdict: certified") != std::string::npos);
  CHECK(ok.out.find("sound for:") != std::string::npos);
  const auto json = testing::run_cli("certify --layout 1,3,8,3 --lambda 1/4 --json");
  CHECK(json.status == 1);
  CHECK(json.out.find("\"verdict\": \"refuted\"") != std::string::npos);
  CHECK(testing::run_cli("certify --layout 1,3,8 ").status == 2);
  CHECK(testing::run_cli("certify --layout 1,3,8,3 --scalar nonsense").status == 2);
}
