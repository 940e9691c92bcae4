// `loopcert search precision|lambda|grid P.fq`: the searches on FLEQ targets (a loop
// compiled per precision, analysis::TargetAtScalar), cross-checked with `run P.fq` at the
// precisions they name; and the order in which every search checks its input: every flag
// first (a bad flag is blamed even when the program file is missing), then the program.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;
using nlohmann::json;

namespace {

bool run_agrees(const std::string& program, int bits, const std::string& flags = "") {
  const auto r = run_cli("run " + program + " --scalar mpfr:" + std::to_string(bits) + " " + flags + " --json");
  INFO(r.err);
  REQUIRE((r.status == 0 || r.status == 1 || r.status == 2));
  if (r.status == 2) return false;  // the loop cannot be built at this precision
  return json::parse(r.out)["agree"].get<bool>();
}

// A search's JSON (exit 0 required).
json search_json(const std::string& args) {
  const auto r = run_cli("search " + args + " --json --quiet");
  INFO(args << ": " << r.err);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("search precision P.fq: the smallest agreeing precision, which run confirms", "[fleq][search][cli]") {
  const std::string program = "examples/fleq/linalg/newton_a3.fq";
  const json j = search_json("precision " + program + " --bits 30..44");
  REQUIRE(j["bits_min"].is_number());
  const int bits = j["bits_min"];
  CHECK(bits > 30);  // newton_a3's real cells need more than 30 bits for 1e-6
  CHECK(j["lambda_per_run"] == true);
  // The predicted floor (analysis/fleq_floor.hpp) is an upper estimate: its precision is
  // not below the measured one.
  REQUIRE(j["predicted_bits"].is_number());
  CHECK(j["predicted_bits"].get<int>() >= bits);
  CHECK_FALSE(j.contains("no_prediction"));
  // Each run at its own loop's temperature: they differ between precisions.
  CHECK(j["runs"][0]["lambda"] != j["runs"][1]["lambda"]);
  CHECK(run_agrees(program, bits));
  CHECK_FALSE(run_agrees(program, bits - 1));
  // The real cells are what is judged: the precision below the minimum agrees under a
  // looser --data-tolerance.
  CHECK(run_agrees(program, bits - 1, "--data-tolerance 1e-3"));
}

TEST_CASE("search precision P.fq: text prints the predicted floor's precision", "[fleq][search][cli]") {
  const auto r = run_cli("search precision examples/fleq/subleq/divmod.fq --bits 10..16 --quiet");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("predicted      none") == std::string::npos);
  CHECK(r.out.find("each precision's own default") != std::string::npos);
  CHECK(r.out.find(" bits (bounds") != std::string::npos);
}

TEST_CASE("search lambda P.fq: the interval of the fetch temperature", "[fleq][search][cli]") {
  const std::string program = "examples/fleq/subleq/divmod.fq";
  const json j = search_json("lambda " + program + " --resolution 0.5 --lambda-max 64");
  REQUIRE(j["lambda_min"].is_number());
  // Predicted: the compiled temperature (the floor is evaluated there), which lies in
  // the measured interval.
  REQUIRE(j["predicted_lambda"].is_number());
  CHECK(j["predicted_lambda"].get<double>() >= j["lambda_min"].get<double>());
  CHECK_FALSE(j.contains("no_prediction"));
  // The compiler's temperature lies in the interval it found.
  CHECK(j["default_lambda"].get<double>() >= j["lambda_min"].get<double>());
  // lambda_min agrees and one resolution below it does not.
  bool below_failed = false, at_min_agreed = false;
  for (const auto& p : j["runs"]) {
    if (p["lambda"].get<double>() == j["lambda_min"].get<double>()) at_min_agreed = p["agree"].get<bool>();
    if (p["lambda"].get<double>() == j["lambda_min"].get<double>() - 0.5) below_failed = !p["agree"].get<bool>();
  }
  CHECK(at_min_agreed);
  CHECK(below_failed);
}

TEST_CASE("search grid P.fq: cells per precision, with the floor's prediction", "[fleq][search][cli]") {
  const json j = search_json("grid examples/fleq/subleq/divmod.fq --bits 15..16 --lambda 1..3:2");  // the loop builds at 16 bits
  REQUIRE(j["cells"].size() == 4);
  CHECK_FALSE(j.contains("no_prediction"));
  // One predicted precision per lambda (each precision at its own compiled temperatures).
  REQUIRE(j["predicted_bits"].size() == 2);
  CHECK(j["predicted_bits"][0]["bits"] == j["predicted_bits"][1]["bits"]);
}

// calc/functions.fq at a loose data tolerance agrees at a handful of bits, but `run`
// refuses its loop below 8 (the integer snap's bias -137/4 needs 8 significant bits).
// Compiled without the format, as the search once did, mpfr:7 agreed and was its answer.
TEST_CASE("search P.fq: a precision run refuses counts as failing, with run's reason", "[fleq][search][cli][negative]") {
  const std::string program = "examples/fleq/calc/functions.fq", tol = "--data-tolerance 0.1";
  const json j = search_json("precision " + program + " --bits 2..12 " + tol);
  REQUIRE(j["bits_min"].is_number());
  const int bits = j["bits_min"];
  CHECK(run_agrees(program, bits, tol));
  int refused = 0;
  for (const auto& p : j["runs"]) {
    const int b = p["bits"];
    const auto r = run_cli("run " + program + " --scalar mpfr:" + std::to_string(b) + " " + tol + " --json");
    INFO("mpfr:" << b << ": " << p.dump() << "\nrun: " << r.err);
    CHECK((r.status == 2) == p.contains("refused"));  // refused exactly where run refuses
    if (!p.contains("refused")) continue;
    ++refused;
    CHECK(p["agree"] == false);
    CHECK(p["refused"].get<std::string>().rfind("refused: mpfr:" + std::to_string(b) + " cannot hold", 0) == 0);
    CHECK(r.err.find(p["first_divergence"]["detail"].get<std::string>()) != std::string::npos);  // run's own words
    CHECK(b < bits);
  }
  CHECK(refused > 0);  // the bisection tried below 8
  const auto text = run_cli("search precision " + program + " --bits 2..12 " + tol + " --quiet");
  CHECK(text.out.find("refused        mpfr:") != std::string::npos);
  // The grid counts the same cells as refused.
  const json g = search_json("grid " + program + " --bits 7..8 --lambda 6..6:1 " + tol);
  REQUIRE(g["cells"].size() == 2);
  CHECK(g["cells"][0]["refused"].is_string());
  CHECK(g["cells"][0]["agree"] == false);
  CHECK_FALSE(g["cells"][1].contains("refused"));
  // search lambda at a fixed scalar builds its one loop as run does: refused the same way.
  const auto l = run_cli("search lambda " + program + " --scalar mpfr:7 " + tol + " --resolution 1 --lambda-max 8 --quiet");
  CHECK(l.status == 2);
  CHECK(l.err.find("mpfr:7 cannot hold the loop's weights") != std::string::npos);
}

TEST_CASE("search: every flag is checked before the program is read", "[search][cli][negative]") {
  struct Case {
    const char* args;
    const char* message;
  };
  const Case cases[] = {
      {"search precision missing.sq --lambda 1/0", "--lambda"},
      {"search precision missing.sq --bits 9..3", "--bits"},
      {"search precision missing.sq --jobs 0", "--jobs"},
      {"search precision missing.sq --max-steps -1", "--max-steps"},
      {"search precision missing.sq --data-tolerance 1e-3", "--data-tolerance"},
      {"search precision missing.fq --lambda 3", "--lambda"},
      {"search precision missing.fq --tolerance 0.1", "--tolerance"},
      {"search precision missing.fq --data-tolerance 2", "--data-tolerance"},
      {"search lambda missing.sq --resolution 0", "--resolution"},
      {"search lambda missing.sq --scalar fp7", "--scalar"},
      {"search lambda missing.fq --scalar exact", "--scalar exact"},
      {"search lambda missing.sq --resolution 1 --lambda-max 0.5", "--lambda-max"},
      {"search grid missing.sq --bits 4..8 --lambda 2..1:1", "--lambda"},
      {"search grid missing.fq --bits 4..8", "--lambda"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    INFO(c.args << " -> status " << r.status << ", stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.find("missing.") == std::string::npos);  // the flag is blamed, not the file
  }
  // Negative check: with good flags the missing file is what is blamed.
  for (const char* args : {"search precision missing.sq --lambda 2", "search lambda missing.fq --resolution 0.5",
                           "search grid missing.sq --bits 4..5 --lambda 1..2:1"}) {
    const auto r = run_cli(args);
    INFO(args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("missing.") != std::string::npos);
  }
}
