// `loopcert run P.fq`: the FLEQ transformer through the generic lockstep driver
// (compile/fleq/target.hpp), as a user runs it. The memory it prints is checked against
// the program's own `; expect` lines (isa/fleq/expect.hpp), the real cells within the
// expectation's tolerance plus the run's --data-tolerance; plus refused input and a run
// that must disagree.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.hpp"
#include "isa/fleq/expect.hpp"

using namespace loopcert;
using loopcert::testing::run_cli;
using nlohmann::json;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(loopcert::testing::source_dir() + "/" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every `; expect` line of the program holds for the JSON the run printed.
void check_expectations(const std::string& path, const json& j, double data_tolerance) {
  const auto expectations = isa::fleq::parse_expectations(read_text(path), path);
  REQUIRE(!expectations.empty());
  for (const auto& e : expectations) {
    INFO(path << ":" << e.line << ": expect " << e.cell);
    if (e.cell == "steps") {
      CHECK(j["steps"].get<double>() == to_double(e.value.entries.at(0)));
      continue;
    }
    REQUIRE(j["memory"].contains(e.cell));
    const json& got = j["memory"][e.cell];
    const double tol = to_double(e.tolerance) + data_tolerance;
    for (int r = 0; r < e.value.shape.rows; ++r)
      for (int t = 0; t < e.value.shape.cols; ++t) {
        const double want = to_double(e.value.at(r, t));
        const double x = got.is_array() ? got.at(r).at(t).get<double>() : got.get<double>();
        INFO("[" << r << "," << t << "] = " << x << ", expected " << want);
        CHECK(std::abs(x - want) <= tol * std::max(1.0, std::abs(want)));
      }
  }
}

}  // namespace

TEST_CASE("run P.fq: Newton's inverse agrees with the exact machine at double", "[fleq][run][cli]") {
  const std::string path = "examples/fleq/linalg/newton_a3.fq";
  const auto r = run_cli("run " + path + " --json");
  INFO(r.err << r.out.substr(0, 2000));
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["agree"] == true);
  CHECK(j["halted"] == true);
  CHECK(j["scalar"] == "double");
  CHECK(j["loops"].get<int>() == j["steps"].get<int>() + 1);
  CHECK(j["first_divergence"].is_null());
  CHECK(j["layers"] == 7);
  CHECK(j["memory"]["X"].is_array());
  CHECK(j["reference_memory"]["X"].size() == 3);
  CHECK(j["max_error"]["error"].get<double>() <= 1e-6);
  for (const auto& [cell, e] : j["final_errors"].items()) CHECK(e.get<double>() <= 1e-6);
  check_expectations(path, j, 1e-6);
}

TEST_CASE("run P.fq: Newton's inverse agrees at mpfr:128", "[fleq][run][cli][mpfr]") {
  const std::string path = "examples/fleq/linalg/newton_a3.fq";
  const auto r = run_cli("run " + path + " --scalar mpfr:128 --json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["agree"] == true);
  CHECK(j["scalar"] == "mpfr:128");
  check_expectations(path, j, 1e-6);
}

TEST_CASE("run P.fq: a SUBLEQ program rewritten in FLEQ agrees at double", "[fleq][run][cli]") {
  const std::string path = "examples/fleq/subleq/divmod.fq";
  const auto r = run_cli("run " + path + " --json");
  INFO(r.err << r.out.substr(0, 2000));
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["agree"] == true);
  check_expectations(path, j, 1e-6);
  CHECK(j["memory"] == j["reference_memory"]);  // .int cells only: exactly the machine's
}

TEST_CASE("run P.fq: the text report and the trace", "[fleq][run][cli]") {
  const auto r = run_cli("run examples/fleq/subleq/divmod.fq --trace");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("loop theorem proofs/fleq_loop.md at double") != std::string::npos);
  CHECK(r.out.find("CERTIFIED at double") != std::string::npos);
  CHECK(r.out.find("if ") != std::string::npos);  // the trace names the instructions
  CHECK(r.out.find("agree at every loop") != std::string::npos);
}

TEST_CASE("run P.fq --machine-only prints the exact machine's summary", "[fleq][run][cli]") {
  const auto r = run_cli("run examples/fleq/subleq/divmod.fq --machine-only");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("machine: exact FLEQ") != std::string::npos);
  CHECK(r.out.find("Q = 14") != std::string::npos);
}

TEST_CASE("run P.fq: refused programs and flags exit 2 with the reason", "[fleq][run][cli][negative]") {
  // sqrt on its default range 0..16: no sum of sigmoids with a finite bound reaches 0.
  const std::string file = (std::filesystem::temp_directory_path() / "loopcert_sqrt0.fq").string();
  std::ofstream(file) << ".real x = 2\n.real r\n        r = sqrt x\n        halt\n";
  const auto fn = run_cli("run " + file);
  CHECK(fn.status == 2);
  const auto at = fn.err.find(file + ":");
  REQUIRE(at != std::string::npos);
  CHECK(fn.err.substr(at + file.size(), 3) == ":3:");  // file:line of the sqrt
  CHECK(fn.err.find("has no block") != std::string::npos);
  CHECK(fn.err.find(".range sqrt LO..HI") != std::string::npos);
  std::filesystem::remove(file);
  for (const std::string bad : {"0", "-1", "1.5", "nan"}) {
    const auto r = run_cli("run examples/fleq/subleq/divmod.fq --data-tolerance " + bad);
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("--data-tolerance") != std::string::npos);
  }
  const auto exact = run_cli("run examples/fleq/subleq/divmod.fq --scalar exact");
  CHECK(exact.status == 2);
  CHECK(exact.err.find("irrational") != std::string::npos);
  // --lambda and --product-c set the loop's constants (tests/test_fleq_run_overrides.cpp).
}

// At double newton_a3's real error is ~1e-9 (README, the FLEQ transformer's table): a
// tolerance of 1e-12 must fail on the real cells, with the controller still agreeing.
TEST_CASE("run P.fq: a data tolerance below the run's error disagrees", "[fleq][run][cli][negative]") {
  const auto r = run_cli("run examples/fleq/linalg/newton_a3.fq --data-tolerance 1e-12 --json");
  INFO(r.err << r.out.substr(0, 2000));
  REQUIRE(r.status == 1);
  const json j = json::parse(r.out);
  CHECK(j["agree"] == false);
  REQUIRE(j["first_divergence"].is_object());
  CHECK(j["first_divergence"]["field"].get<std::string>().rfind("mem[", 0) == 0);
  CHECK(j["first_divergence"]["detail"].get<std::string>().find("--data-tolerance") != std::string::npos);
  CHECK(j["halted"] == true);  // the reals are judged at the end only
  CHECK(j["max_error"]["error"].get<double>() > 1e-12);
}

TEST_CASE("run P.fq: a program leaving its declared domain stops with the machine's reason", "[fleq][run][cli][negative]") {
  const std::string path = "/tmp/loopcert_fleq_run_domain_" + std::to_string(::getpid()) + ".fq";
  {
    std::ofstream out(path);
    out << ".k 1\n.bound 4\n.real x = 3\n        x = add x, x\n        halt\n";
  }
  const auto r = run_cli("run " + path + " --json");
  std::remove(path.c_str());
  INFO(r.err << r.out.substr(0, 2000));
  REQUIRE(r.status == 1);
  const json j = json::parse(r.out);
  CHECK(j["agree"] == false);
  CHECK(j["halted"] == false);
  CHECK(j["first_divergence"]["field"] == "machine");
  CHECK(j["first_divergence"]["detail"].get<std::string>().find("beyond .bound 4") != std::string::npos);
}
