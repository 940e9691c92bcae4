// The FLEQ programs whose fitted functions are polished by Newton steps written as FLEQ
// instructions (calc/expression, linalg/power_s3, linalg/power_sym4) agree with the IDEAL
// machine at the default tolerance 1e-6, and their unpolished versions (the same source
// with the polish statements removed) do not: the polish, not the tolerance, is what
// makes them agree. And the predicted floor (analysis/fleq_floor.hpp) is not below the
// measured final error, and falls below it when the bounds are broken (scaled down).
// mpfr:128 runs expression here; the power iterations at mpfr:128 (465 and 815 loops)
// only with LOOPCERT_FLEQ_LONG.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "analysis/fleq_floor.hpp"
#include "core/scalar_name.hpp"
#include "fleq_lockstep.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
using namespace loopcert::test_fleq;

namespace {

const char* const kPolished[] = {"calc/expression.fq", "linalg/power_s3.fq", "linalg/power_sym4.fq"};

std::string source_of(const std::string& name) {
  std::ifstream in(kExamples + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The program without its Newton polish: every statement writing a polish temporary
// (p, h, t) or applying one (`y = scale y, p`) is dropped.
fq::FleqProgram unpolished(const std::string& name) {
  const std::regex polish(R"(^\s+((p|h|t) = |(\w+) = scale \3, (p|t)\b).*$)");
  std::stringstream in(source_of(name));
  std::string line, out;
  int dropped = 0;
  while (std::getline(in, line)) {
    if (std::regex_match(line, polish)) ++dropped;
    else out += line + "\n";
  }
  REQUIRE(dropped >= 5);
  return fq::assemble_fq(out, name + " (unpolished)");
}

Lockstep run_ideal(const fq::FleqProgram& p, const std::string& scalar) {
  const double u = unit_roundoff(scalar);
  if (scalar == "double") return run_lockstep<double>(p, cf::compile_fleq(p, {u}));
  MpfrPrecisionScope scope(128);
  return run_lockstep<MpfrReal>(p, cf::compile_fleq(p, {u}));
}

}  // namespace

TEST_CASE("FLEQ programs: the polished programs agree with the ideal machine within 1e-6 at double, the unpolished ones do not",
          "[fleq][programs]") {
  for (const std::string name : kPolished) {
    const Lockstep polished = run_ideal(fq::load_fq(kExamples + name), "double");
    INFO(name << ": " << polished.divergence << " final error " << polished.max_real_error);
    CHECK(polished.halted);
    CHECK(polished.controller_agree);
    CHECK(polished.agree);
    const Lockstep plain = run_ideal(unpolished(name), "double");
    INFO("unpolished: final error " << plain.max_real_error);
    CHECK(plain.controller_agree);
    CHECK(plain.max_real_error > kTolerance);
  }
}

TEST_CASE("FLEQ programs: the polished programs agree with the ideal machine within 1e-6 at mpfr:128", "[fleq][programs]") {
  const bool all = std::getenv("LOOPCERT_FLEQ_LONG") != nullptr;
  for (const std::string name : kPolished) {
    if (!all && name != "calc/expression.fq") continue;
    const Lockstep r = run_ideal(fq::load_fq(kExamples + name), "mpfr:128");
    INFO(name << ": " << r.divergence << " final error " << r.max_real_error);
    CHECK(r.halted);
    CHECK(r.agree);
  }
}

TEST_CASE("FLEQ floors: the predicted floor is not below the measured final error at double, and a broken bound is",
          "[fleq][programs][floor]") {
  for (const std::string name : {"linalg/newton_a3.fq", "calc/arith.fq", "linalg/power_s3.fq", "calc/expression.fq"}) {
    const fq::FleqProgram p = fq::load_fq(kExamples + name);
    const cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-53});
    const Lockstep measured = run_lockstep<double>(p, c);
    const analysis::FleqFloor floor = analysis::predict_fleq_floor(p, c, {100000, 0x1p-53, 1});
    INFO(name << ": measured " << measured.max_real_error << ", predicted " << floor.predicted << " (" << floor.reason << ")");
    CHECK(floor.reason.empty());
    CHECK(floor.steps == measured.loops - 1);
    CHECK(floor.predicted >= measured.max_real_error);
    CHECK(floor.amplification > 0);
    const analysis::FleqFloor broken = analysis::predict_fleq_floor(p, c, {100000, 0x1p-53, 1e-9});
    CHECK(broken.predicted < measured.max_real_error);
  }
}

TEST_CASE("FLEQ floors: the target's predictors give a precision and agree with the floor at each scalar", "[fleq][programs][floor]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "linalg/newton_a3.fq");
  compile::FleqTargetOptions o;
  o.predictors = analysis::fleq_target_predictors;
  const compile::LoopTarget t = compile::fleq_target(p, o);
  REQUIRE(t.predict.bits);
  REQUIRE(t.predict.at_scalar);
  REQUIRE(t.predict.exact);
  const int bits = t.predict.bits(t.predict.default_lambda);
  INFO("predicted bits " << bits << ": " << t.predict.summary(0).text);
  CHECK(bits > 24);
  CHECK(bits <= 128);
  // Consistent with the floor: P agrees, P - 1 does not.
  CHECK(analysis::predict_fleq_floor_at(p, std::ldexp(1.0, -bits), 100000).predicted <= 1e-6);
  CHECK(analysis::predict_fleq_floor_at(p, std::ldexp(1.0, -(bits - 1)), 100000).predicted > 1e-6);
  // At a scalar: the floor at that scalar's constants, for a temperature at least its
  // compiled read temperature (46.75 at mpfr:128, above double's default).
  const auto at_mpfr128 = t.predict.at_scalar(parse_scalar("mpfr:128"));
  CHECK(at_mpfr128(Rational(64)));
  CHECK_FALSE(at_mpfr128(t.predict.default_lambda));
  CHECK_FALSE(t.predict.at_scalar(parse_scalar("float"))(Rational(64)));
}
