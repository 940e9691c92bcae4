// `loopcert search`, `verify formats`, `run --decompose` and the per-loop JSON as a user
// meets them: fields, exit codes, and clear messages for bad input (exit 2).
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;

TEST_CASE("search: bad input exits 2 with a message naming the flag", "[cli][search]") {
  struct Case {
    const char* args;
    const char* message;
  };
  const Case cases[] = {
      {"search precision examples/subleq/fibonacci.sq --bits 1..0", "--bits '1..0'"},
      {"search precision examples/subleq/fibonacci.sq --bits 8..4", "HI is below LO"},
      {"search precision examples/subleq/fibonacci.sq --bits 8", "missing '..'"},
      {"search precision examples/subleq/fibonacci.sq --lambda -1", "--lambda must be positive"},
      {"search precision examples/subleq/fibonacci.sq --lambda 0", "--lambda must be positive"},
      {"search lambda examples/subleq/fibonacci.sq --scalar fp7", "unknown scalar 'fp7'"},
      {"search lambda examples/subleq/fibonacci.sq --resolution 0", "--resolution must be positive"},
      {"search lambda examples/subleq/fibonacci.sq --resolution -0.5", "--resolution must be positive"},
      {"search lambda examples/subleq/fibonacci.sq --scalar mpfi:64", "mpfi"},
      {"search grid examples/subleq/fibonacci.sq --bits 1..0 --lambda 1..2:1", "--bits '1..0'"},
      {"search grid examples/subleq/fibonacci.sq --bits 4..8 --lambda 2..1:1", "B is below A"},
      {"search grid examples/subleq/fibonacci.sq --bits 4..8 --lambda 1..2:0", "--lambda (STEP) must be positive"},
      {"search grid examples/subleq/fibonacci.sq --bits 4..8", "--lambda"},
      {"search precision examples/subleq/nope.sq", "nope.sq"},
      {"search", ""},
      {"run examples/subleq/fibonacci.sq --scalar fp7", "unknown scalar 'fp7'"},
      {"verify formats --formats fp7", "unknown scalar 'fp7'"},
      {"verify formats --program examples/subleq/fibonacci.sq --resolution 0", "--resolution must be positive"},
      {"verify formats read", "runs on its own"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    INFO(c.args << " -> status " << r.status << ", stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}

TEST_CASE("search precision --json: bits_min, predictions, every run", "[cli][search]") {
  const auto r = run_cli("search precision examples/subleq/multiply.sq --bits 6..24 --json --quiet");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"bits_min", "predicted_bits", "predicted_lambda", "non_monotone", "fails_above", "runs", "ratio", "lambda"})
    CHECK(j.contains(key));
  REQUIRE(j["bits_min"].is_number());
  CHECK(j["bits_min"].get<int>() >= 6);
  CHECK(j["predicted_bits"].get<int>() >= j["bits_min"].get<int>());
  CHECK(j["lambda_default"] == true);
}

TEST_CASE("search precision: progress on stderr, result on stdout", "[cli][search]") {
  const auto r = run_cli("search precision examples/subleq/multiply.sq --bits 10..14");
  REQUIRE(r.status == 0);
  CHECK(r.err.find("mpfr:14") != std::string::npos);
  CHECK(r.out.find("minimum") != std::string::npos);
  CHECK(r.out.find("predicted") != std::string::npos);
}

TEST_CASE("search lambda --json: lambda_min, lambda_max (null without an upper end)", "[cli][search]") {
  auto r = run_cli("search lambda examples/subleq/multiply.sq --scalar double --resolution 0.25 --lambda-max 40 --json --quiet");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"lambda_min", "lambda_max", "predicted_lambda", "predicted_lambda_rounding", "default_lambda", "best", "runs"})
    CHECK(j.contains(key));
  CHECK(j["lambda_min"].is_number());
  CHECK(j["lambda_max"].is_null());
  CHECK(j["predicted_lambda"].get<double>() >= j["lambda_min"].get<double>());
  r = run_cli("search lambda examples/subleq/multiply.sq --scalar fp16 --resolution 0.5 --json --quiet");
  REQUIRE(r.status == 0);
  j = nlohmann::json::parse(r.out);
  CHECK(j["lambda_max"].is_number());
}

TEST_CASE("search grid: CSV by default, cells in JSON", "[cli][search]") {
  auto r = run_cli("search grid examples/subleq/multiply.sq --bits 8..10 --lambda 1..3:1 --quiet");
  REQUIRE(r.status == 0);
  CHECK(r.out.rfind("bits,lambda,agree,first_divergent_loop", 0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1 + 3 * 3);
  r = run_cli("search grid examples/subleq/multiply.sq --bits 8..10 --lambda 1..3:1 --json --quiet");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["cells"].size() == 9);
  for (const auto& c : j["cells"]) CHECK(c["agree"].get<bool>() == c["first_divergent_loop"].is_null());
  CHECK(j.contains("predicted_bits"));
  CHECK(j.contains("predicted_lambda"));
}

TEST_CASE("run --json: per-layer summaries, --trace adds margin and layers per loop", "[cli][run]") {
  auto r = run_cli("run examples/subleq/multiply.sq --json");
  REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["layer_errors"].size() == 5);
  CHECK(j["peak"]["layer"].is_string());
  CHECK(j["max_drift_layer"].is_string());
  CHECK(!j.contains("trace"));
  r = run_cli("run examples/subleq/multiply.sq --json --trace");
  REQUIRE(r.status == 0);
  j = nlohmann::json::parse(r.out);
  REQUIRE(j["trace"].size() > 0);
  const auto& row = j["trace"][0];
  CHECK(row.contains("drift"));
  CHECK(row.contains("margin"));
  REQUIRE(row["layers"].size() == 5);
  CHECK(row["layers"][0]["layer"] == "fetch");
}

TEST_CASE("run --decompose splits the error", "[cli][run]") {
  const auto r = run_cli("run examples/subleq/multiply.sq --scalar fp16 --decompose --json");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.contains("decomposition"));
  const auto& d = j["decomposition"];
  CHECK(d["rounding_max"].get<double>() > 1e-6);
  CHECK(d["temperature_max"].get<double>() < 1e-50);
  CHECK(d["layers"].size() == 5);
}

TEST_CASE("run: a format that fails says which layer and quantity", "[cli][run]") {
  const auto r = run_cli("run examples/subleq/multiply.sq --scalar bf16 --json");
  CHECK(r.status == 1);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["first_divergence"].is_object());
  CHECK(j["first_divergence"]["layer"].is_string());
  CHECK(j["first_divergence"]["quantity"].is_string());
  CHECK(j["first_divergence"]["layers"].size() >= 1);
}

TEST_CASE("verify formats: the table for one program", "[cli][formats]") {
  const auto r = run_cli("verify formats --program examples/subleq/multiply.sq --formats double,fp16,bf16,fp8e5m2 --resolution 0.5 --json");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["formats"].size() == 4);
  for (const auto& row : j["formats"]) {
    for (const char* key : {"format", "lambda_min", "lambda_max", "loops", "agreed", "max_drift", "first_divergence", "reason", "weights", "bounds"})
      CHECK(row.contains(key));
    if (row["format"] == "double") {
      CHECK(row["agreed"] == true);
      CHECK(row["bounds"]["certified"] == true);
    }
    if (row["format"] == "bf16") {
      CHECK(row["agreed"] == false);
      CHECK(row["weights"]["not_representable"].get<int>() > 0);
      CHECK(row["reason"].get<std::string>().find("layer") != std::string::npos);
    }
  }
  const auto text = run_cli("verify formats --program examples/subleq/multiply.sq --formats double,bf16 --resolution 0.5");
  REQUIRE(text.status == 0);
  CHECK(text.out.find("| program | format | lambda interval |") != std::string::npos);
  CHECK(text.out.find("why the failures fail") != std::string::npos);
}
