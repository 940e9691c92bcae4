// The exhaustive certificate (cert/exhaustive.hpp): certified where the construction is
// correct, refuted with a witness that really diverges where it is not (a temperature far
// too low, a broken weight, a scalar too narrow), and the closure bookkeeping exact.
#include <catch2/catch.hpp>

#include "cert/exhaustive.hpp"
#include "cli_runner.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/scalar_dispatch.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/machine.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;

namespace {

// examples/certify/tiny3.sq: 3 commands (with the halt) x 2^(3 bits x 3 cells) = 1536 valid states.
isa::SubleqProgram tiny() { return isa::load_sq(testing::source_dir() + "/examples/certify/tiny3.sq"); }

cert::ExhaustiveCertificate certify(const isa::SubleqProgram& p, const compile::CompiledSubleq& c, const std::string& scalar) {
  cert::ExhaustiveOptions o;
  o.scalar = parse_scalar(scalar);
  return cert::certify_exhaustive(p, c, o);
}

compile::CompiledSubleq compiled(const isa::SubleqProgram& p, Rational lambda) {
  blocks::BlockParams params;
  params.lambda = lambda;
  return compile::compile_subleq(p, params);
}

// The witness really is wrong: one loop from its state's encoding (or more, for a
// witness found later in a chain) does not decode to the machine's successor.
bool witness_diverges(const isa::SubleqProgram& p, const compile::CompiledSubleq& c, const cert::Witness& w) {
  isa::MachineState s{w.pc, w.memory, false};
  auto tf = instantiate<double>(c.loop, AttentionMode::Softmax);
  Matrix<double> X = to_scalar<double>(compile::encode(c.layout, p, w.pc, w.memory));
  for (int k = 0; k <= w.loops_from_encoding; ++k) tf.apply_loop(X);
  const auto next = isa::step(p, s);
  const auto got = compile::decode(c.layout, p, X, 0.25);
  return w.loops_from_encoding > 0 || got.invalid || got.pc != next.pc || got.memory != next.memory;
}

}  // namespace

TEST_CASE("certify --exhaustive: the tiny counter is certified at double and exact", "[certify]") {
  const auto p = tiny();
  REQUIRE(cert::valid_state_count(p) == 3 * (1 << 9));
  const auto c = compiled(p, 3);
  const auto at_double = certify(p, c, "double");
  CHECK(at_double.verdict == cert::Verdict::Certified);
  CHECK(at_double.states == cert::valid_state_count(p));
  CHECK(at_double.punchcards >= at_double.states);  // every encoding, and what the loops make of them
  // Exact arithmetic with hardmax: every loop lands exactly on an encoding, so the closed
  // set is the set of encodings itself.
  const auto exact = certify(p, c, "exact");
  CHECK(exact.verdict == cert::Verdict::Certified);
  CHECK(exact.punchcards == exact.states);
}

TEST_CASE("certify --exhaustive refutes a temperature far too low, with a witness that diverges", "[certify]") {
  const auto p = tiny();
  const auto c = compiled(p, Rational(1, 4));
  const auto r = certify(p, c, "double");
  REQUIRE(r.verdict == cert::Verdict::Refuted);
  REQUIRE(r.witness);
  CHECK(witness_diverges(p, c, *r.witness));
}

TEST_CASE("certify --exhaustive refutes a broken weight and a scalar too narrow", "[certify]") {
  const auto p = tiny();
  auto c = compiled(p, 3);
  // Negative check: double every output weight of the write layer's feed-forward part.
  bool broken = false;
  for (auto& layer : c.loop.layers)
    if (layer.name.find("write") != std::string::npos)
      for (auto& e : layer.ffn.w2.entries) {
        e.value *= 2;
        broken = true;
      }
  REQUIRE(broken);
  CHECK(certify(p, c, "double").verdict != cert::Verdict::Certified);
  // fp8e5m2 (3 significand bits) cannot run even this 3-bit program: refuted.
  CHECK(certify(p, compiled(p, 3), "fp8e5m2").verdict == cert::Verdict::Refuted);
}

TEST_CASE("certify --exhaustive never certifies a scalar whose own run diverges", "[certify]") {
  // A necessary condition, checked at every scalar family: certified => the program's
  // run from its initial memory agrees with the machine for 40 loops.
  const auto p = tiny();
  const auto c = compiled(p, 3);
  for (const auto& scalar : engine_scalar_families()) {
    const bool agrees = dispatch_scalar(scalar, [&]<class T>(ScalarTag<T>) {
      auto tf = instantiate<T>(c.loop, ScalarTraits<T>::exact ? AttentionMode::Hardmax : AttentionMode::Softmax);
      Matrix<T> X = to_scalar<T>(c.X0);
      isa::MachineState s = isa::initial_state(p);
      for (int loop = 0; loop < 40; ++loop) {
        tf.apply_loop(X);
        s = isa::step(p, s);
        Matrix<double> D(X.rows(), X.cols());
        for (Eigen::Index i = 0; i < X.size(); ++i) D.data()[i] = ScalarTraits<T>::to_double(X.data()[i]);
        const auto got = compile::decode(c.layout, p, D, 0.25);
        if (got.invalid || got.pc != s.pc || got.memory != s.memory) return false;
      }
      return true;
    });
    INFO(scalar.name());
    if (certify(p, c, scalar.name()).verdict == cert::Verdict::Certified) CHECK(agrees);
  }
}

TEST_CASE("certify --exhaustive refuses a state space beyond its limit, and gives up honestly", "[certify]") {
  const auto p = tiny();
  const auto c = compiled(p, 3);
  cert::ExhaustiveOptions o;
  o.scalar = parse_scalar("double");
  o.max_states = 100;
  CHECK_THROWS_AS(cert::certify_exhaustive(p, c, o), std::invalid_argument);
  o.max_states = 1 << 20;
  o.max_punchcards = 10;
  const auto r = cert::certify_exhaustive(p, c, o);
  CHECK(r.verdict == cert::Verdict::Unknown);
  CHECK(r.reason.find("did not close") != std::string::npos);
}
