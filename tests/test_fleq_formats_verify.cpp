// `loopcert verify formats --program P.fq`: every format refused (with the weights it
// cannot hold) or run in lockstep (with the reason for a failure), text and --json; the
// exit code follows double, long-double and float128; refused flag combinations.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;
using nlohmann::json;

namespace {

// .intbound 2 and .bound 2: the integer snap's weights fit in bf16's 8 bits.
std::string small_program() {
  const std::string path = (std::filesystem::temp_directory_path() / ("loopcert_fleq_verify_" + std::to_string(::getpid()) + ".fq")).string();
  std::ofstream(path) << ".bound 2\n.intbound 2\n.int N = 2\n.int ONE = 1\n.real x = 1/4\n.real h = 1/4\n"
                         "top:    x = add x, h\n        N = sub N, ONE if N <= 0 goto done\n        N = sub N, ONE if N <= 0 goto top\ndone:   halt\n";
  return path;
}

const json* row(const json& j, const std::string& program_suffix, const std::string& format) {
  for (const auto& r : j["formats"]) {
    const std::string p = r["program"];
    if (r["format"] == format && p.size() >= program_suffix.size() && p.compare(p.size() - program_suffix.size(), program_suffix.size(), program_suffix) == 0)
      return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("verify formats P.fq --json: refused with the reason, or run, and every failure has a reason", "[fleq][formats][cli]") {
  const std::string small = small_program();
  const auto r = run_cli("verify formats --program examples/fleq/subleq/multiply.fq --program " + small + " --formats double,fp16,bf16,fp8e5m2 --json");
  INFO(r.err);
  REQUIRE(r.status == 0);  // double agrees on both
  const json j = json::parse(r.out);
  CHECK(j["machine"] == "fleq");
  CHECK(j["certified_formats_agree"] == true);
  REQUIRE(j["formats"].size() == 8);
  for (const auto& e : j["formats"]) {
    INFO(e.dump());
    CHECK((e["result"] == "agrees") == e["reason"].get<std::string>().empty());
    CHECK((e["result"] == "refused") == !e["refusals"].empty());
  }
  const json* bf16 = row(j, "multiply.fq", "bf16");
  REQUIRE(bf16);
  CHECK((*bf16)["result"] == "refused");
  CHECK((*bf16)["refusals"][0].get<std::string>().find("integer snap's weights need") != std::string::npos);
  const json* small_bf16 = row(j, small.substr(small.rfind('/')), "bf16");
  REQUIRE(small_bf16);
  CHECK((*small_bf16)["result"] == "agrees");
  CHECK((*small_bf16)["controller_held"] == true);
  const json* fp8 = row(j, small.substr(small.rfind('/')), "fp8e5m2");
  REQUIRE(fp8);
  CHECK((*fp8)["result"] == "refused");  // 3 significant bits hold no snap
  std::filesystem::remove(small);
}

TEST_CASE("verify formats P.fq: text with the reasons, exit 1 when a certified format fails", "[fleq][formats][cli]") {
  // At a tolerance below double's own rounding of arith.fq's results, double fails: exit 1, with a reason.
  const auto r = run_cli("verify formats --program examples/fleq/calc/arith.fq --formats double,bf16 --data-tolerance 1e-14");
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("| arith.fq | double | diverges |") != std::string::npos);
  CHECK(r.out.find("why the failures fail:") != std::string::npos);
  CHECK(r.out.find("- arith.fq at double: loop") != std::string::npos);
  CHECK(r.out.find("the controller held") != std::string::npos);
}

TEST_CASE("verify formats: refused flag combinations for FLEQ programs", "[fleq][formats][cli]") {
  CHECK(run_cli("verify formats --program examples/fleq/calc/arith.fq --program examples/subleq/multiply.sq --formats double").status == 2);
  CHECK(run_cli("verify formats --program examples/fleq/calc/arith.fq --resolution 0.1 --formats double").status == 2);
  CHECK(run_cli("verify formats --program examples/subleq/multiply.sq --data-tolerance 1e-3 --formats double").status == 2);
  CHECK(run_cli("verify formats --program examples/fleq/calc/arith.fq --formats exact").status == 2);
  const auto missing = run_cli("verify formats --program examples/fleq/none.fq --formats double");
  CHECK(missing.status == 2);
  CHECK(missing.err.find("none.fq") != std::string::npos);
}
