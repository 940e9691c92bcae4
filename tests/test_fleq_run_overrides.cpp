// `loopcert run P.fq --product-c C --lambda L` (compile::fleq::ConstantOverrides): the
// product heads' C and the read temperature set by hand. The values are the ones the
// loop is built with (--json `constants`, every product family moved by the same
// factor, the write temperature by the read's change); the overrides equal to the
// compiler's own constants give the default run bit for bit; a bad value is refused with
// the flag named (exit 2); constants that break the loop theorem's conditions are run
// and reported NOT certified with the reason; and the floor predictor takes the same
// overrides (its prediction stays at or above the measured error, a broken bound does not).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "analysis/fleq_floor.hpp"
#include "cli_runner.hpp"
#include "fleq_lockstep.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
using loopcert::testing::run_cli;
using nlohmann::json;
using namespace loopcert::test_fleq;

namespace {

const std::string kNewton = "examples/fleq/linalg/newton_a3.fq";

json run_json(const std::string& flags, int expected_status = 0) {
  const auto r = run_cli("run " + kNewton + " --json " + flags);
  INFO(flags << ": " << r.err);
  REQUIRE(r.status == expected_status);
  return json::parse(r.out);
}

// C = 2^c as the decimal integer the flag takes.
std::string power_of_two(int c) { return BigInt(BigInt(1) << c).str(); }

// The JSON without what may differ between two runs of the same loop: the time, and
// what says that the constants were given by hand.
json comparable(json j) {
  j.erase("seconds");
  j.erase("lambda_default");
  j["constants"].erase("overrides");
  return j;
}

}  // namespace

TEST_CASE("run P.fq --product-c/--lambda: the loop is built with the values given", "[fleq][run][cli][overrides]") {
  const json d = run_json("");
  const json& k = d["constants"];
  CHECK_FALSE(k.contains("overrides"));  // the default JSON has no overrides object
  const int c = k["product_scale_log2"].get<int>();
  const double lambda = k["read_lambda"].get<double>();
  const json o = run_json("--product-c " + power_of_two(c + 2) + " --lambda " + std::to_string(static_cast<int>(lambda) + 1));
  const json& ko = o["constants"];
  // Every product family by the same factor 4; both temperatures by the read's change.
  for (const char* family : {"product_scale_log2", "matmul_scale_log2", "transpose_scale_log2", "hadamard_scale_log2"})
    CHECK(ko[family].get<int>() == k[family].get<int>() + 2);
  const double step = static_cast<int>(lambda) + 1 - lambda;
  CHECK(ko["read_lambda"].get<double>() == static_cast<int>(lambda) + 1);
  CHECK(ko["write_lambda"].get<double>() == k["write_lambda"].get<double>() + step);
  CHECK(o["lambda"].get<double>() == ko["read_lambda"].get<double>());  // the run's temperature is the fetch's
  CHECK(o["lambda_default"] == false);
  CHECK(ko["overrides"]["product_c_log2"].get<int>() == c + 2);
  CHECK(ko["overrides"]["lambda"].get<std::string>() == std::to_string(static_cast<int>(lambda) + 1));
  CHECK(ko["product_error"].get<double>() != k["product_error"].get<double>());  // the bounds see the new C
}

TEST_CASE("run P.fq: the compiler's own C and temperature given by hand give the default run bit for bit", "[fleq][run][cli][overrides]") {
  const json d = run_json("");
  const int c = d["constants"]["product_scale_log2"].get<int>();
  const std::string lambda = std::to_string(d["constants"]["read_lambda"].get<double>());  // dyadic eighths: exact in 6 decimals
  const json o = run_json("--product-c " + power_of_two(c) + " --lambda " + lambda);
  CHECK(o["constants"]["overrides"].is_object());
  CHECK(comparable(o) == comparable(d));
  // Negative check: one step of C changes the run's results.
  const json moved = run_json("--product-c " + power_of_two(c + 1));
  CHECK(comparable(moved) != comparable(d));
  CHECK(moved["final_errors"] != d["final_errors"]);
}

TEST_CASE("run P.fq: a bad --product-c or --lambda is refused with the flag named", "[fleq][run][cli][overrides][negative]") {
  for (const std::string bad : {"3", "0", "-4", "1.5", "abc", "2^20", "1e999", "3/4"}) {
    const auto r = run_cli("run " + kNewton + " --product-c " + bad);
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("--product-c") != std::string::npos);
  }
  // A value the format cannot hold: n C / 2 above float's largest value.
  const auto huge = run_cli("run " + kNewton + " --scalar float --product-c " + power_of_two(124));
  INFO(huge.err);
  CHECK(huge.status == 2);
  CHECK(huge.err.find("--product-c") != std::string::npos);
  CHECK(huge.err.find("overflows") != std::string::npos);
  for (const std::string bad : {"0", "-1", "abc", "1/3"}) {  // 1/3: not dyadic, no binary format holds it
    const auto r = run_cli("run " + kNewton + " --lambda " + bad);
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("--lambda") != std::string::npos);
  }
  const auto sq = run_cli("run examples/fibonacci.sq --product-c 1024");
  INFO(sq.err);
  CHECK(sq.status == 2);
  CHECK(sq.err.find("--product-c") != std::string::npos);
}

TEST_CASE("run P.fq: constants outside the loop theorem's conditions run NOT certified, with the reason", "[fleq][run][cli][overrides][negative]") {
  // A cold read: the fetch's copy is no longer exact (the controller's condition).
  const auto cold = run_cli("run " + kNewton + " --json --lambda 3");
  INFO(cold.err);
  REQUIRE((cold.status == 0 || cold.status == 1));
  const json j = json::parse(cold.out);
  CHECK(j["loop_theorem"]["certified"] == false);
  CHECK(j["loop_theorem"]["fails"].dump().find("controller") != std::string::npos);
  // A C far below the score bound: the gated-off product families exceed the select gate (H5).
  const auto small = run_cli("run " + kNewton + " --json --product-c 1");
  INFO(small.err);
  REQUIRE((small.status == 0 || small.status == 1));
  const json s = json::parse(small.out);
  CHECK(s["loop_theorem"]["certified"] == false);
  CHECK(s["loop_theorem"]["fails"].dump().find("(H5)") != std::string::npos);
  // The compiler's own constants are certified (the verdicts above are the overrides').
  CHECK(run_json("")["loop_theorem"]["certified"] == true);
}

TEST_CASE("FLEQ floors with overrides: the prediction takes them and stays at or above the measured error", "[fleq][floor][overrides]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "linalg/newton_a3.fq");
  const cf::CompiledFleq base = cf::compile_fleq(p, {0x1p-53});
  const analysis::FleqFloor plain = analysis::predict_fleq_floor_at(p, 0x1p-53, 100000);
  cf::ConstantOverrides same;
  same.product_c_log2 = base.constants.product_scale_log2;
  same.lambda = base.constants.read_lambda;
  CHECK(analysis::predict_fleq_floor_at(p, 0x1p-53, 100000, same).predicted == plain.predicted);
  for (const int step : {-2, 2}) {
    cf::CompileOptions o{0x1p-53};
    o.overrides.product_c_log2 = base.constants.product_scale_log2 + step;
    const cf::CompiledFleq c = cf::compile_fleq(p, o);
    const analysis::FleqFloor f = analysis::predict_fleq_floor_at(p, 0x1p-53, 100000, o.overrides);
    const Lockstep measured = run_lockstep<double>(p, c);
    INFO("C step " << step << ": measured " << measured.max_real_error << ", predicted " << f.predicted << " (" << f.reason << ")");
    CHECK(f.predicted != plain.predicted);
    CHECK(f.predicted >= measured.max_real_error);
    CHECK(analysis::predict_fleq_floor(p, c, {100000, 0x1p-53, 1e-9}).predicted < measured.max_real_error);  // a broken bound is caught
  }
}
