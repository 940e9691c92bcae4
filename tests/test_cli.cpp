// The loopcert command as a user meets it: help, JSON fields, exit codes and the
// messages for bad input (DESIGN.md section 7).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;

TEST_CASE("help tells what exists", "[cli]") {
  auto r = run_cli("--help");
  CHECK(r.status == 0);
  CHECK(r.out.find("run") != std::string::npos);
  CHECK(r.out.find("verify") != std::string::npos);
  CHECK(r.out.find("search") != std::string::npos);
  CHECK(r.out.find("report") != std::string::npos);
  r = run_cli("run --help");
  CHECK(r.status == 0);
  for (const char* flag : {"--scalar", "--lambda", "--max-steps", "--trace", "--json", "--machine-only", "--cmds", "--layout"})
    CHECK(r.out.find(flag) != std::string::npos);
}

TEST_CASE("run --json prints the fields of DESIGN.md section 7", "[cli]") {
  auto r = run_cli("run examples/subleq/multiply.sq --json");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"scalar", "lambda", "steps", "loops", "halted", "agree", "memory", "max_drift", "first_divergence", "layers", "heads"})
    CHECK(j.contains(key));
  CHECK(j["agree"] == true);
  CHECK(j["memory"]["P"] == 63);
  CHECK(j["first_divergence"].is_null());
  CHECK(j["layers"] == 5);
}

TEST_CASE("run --machine-only prints the reference machine's result", "[cli]") {
  auto r = run_cli("run examples/subleq/gcd.sq --machine-only --json");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["halted"] == true);
  CHECK(j["memory"]["A"] == 18);
  r = run_cli("run examples/subleq/gcd.sq --machine-only");
  CHECK(r.out.find("A = 18") != std::string::npos);
}

TEST_CASE("run on the official CSV pair names memory by column", "[cli]") {
  if (!std::filesystem::exists(loopcert::testing::source_dir() + "/../shared/compat/official/ftrl_cmds.csv")) {
    WARN("official CSV files not found (../shared/compat/official); skipped");
    return;
  }
  auto r = run_cli("run --cmds ../shared/compat/official/ftrl_cmds.csv --mem ../shared/compat/official/ftrl_init_mem.csv --layout 2,10,23,15 --json");
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["memory"]["4"] == 5040);
}

TEST_CASE("a divergence exits 1 and says where", "[cli]") {
  auto r = run_cli("run examples/subleq/multiply.sq --lambda 0.5 --json");
  CHECK(r.status == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["agree"] == false);
  CHECK(j["first_divergence"]["loop"] == 1);
}

TEST_CASE("bad input exits 2 with a message naming the flag or the file position", "[cli]") {
  struct Case { const char* args; const char* message; };
  const Case cases[] = {
      {"run examples/subleq/nope.sq", "nope.sq"},
      {"run examples/subleq/multiply.sq --scalar fp7", "unknown scalar 'fp7'"},
      {"run examples/subleq/multiply.sq --scalar mpfr:1", "at least 2 bits"},
      {"run examples/subleq/multiply.sq --lambda -1", "--lambda must be positive"},
      {"run examples/subleq/multiply.sq --lambda abc", "not a number"},
      {"run examples/subleq/multiply.sq --tolerance 2", "--tolerance"},
      {"run --cmds a.csv", "needs all three"},
      {"run x.csv", "--cmds"},
      {"run", "no program given"},
      {"verify nosuchlemma", "unknown lemma"},
      {"verify --trials 0", "--trials"},
      {"frobnicate", ""},
  };
  for (const auto& c : cases) {
    auto r = run_cli(c.args);
    INFO(c.args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}

TEST_CASE("a syntax error names file:line:col", "[cli]") {
  const std::string path = "/tmp/loopcert_cli_bad.sq";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(".mem A 1\nstart: subleq A, A\n  jump A\n", f);
  std::fclose(f);
  auto r = run_cli("run " + path);
  CHECK(r.status == 2);
  CHECK(r.err.find(path + ":3:3: error:") != std::string::npos);
  CHECK(r.err.find("unknown mnemonic 'jump'") != std::string::npos);
}

TEST_CASE("verify prints the lemma table and JSON", "[cli]") {
  auto r = run_cli("verify --trials 5 --json");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["lemmas"].size() == 7);
  for (const auto& l : j["lemmas"]) CHECK(l["verdict"] == "holds");
  r = run_cli("verify read write --trials 5");
  CHECK(r.status == 0);
  CHECK(r.out.find("obs/bound") != std::string::npos);
}

TEST_CASE("report: help names the kinds; an unwritable --out exits 2 before measuring", "[cli]") {
  auto r = run_cli("report --help");
  CHECK(r.status == 0);
  CHECK(r.out.find("sigmoid") != std::string::npos);
  r = run_cli("report sigmoid --help");
  CHECK(r.status == 0);
  for (const char* flag : {"--out", "--quick"}) CHECK(r.out.find(flag) != std::string::npos);
  r = run_cli("report sigmoid --out /nonexistent-dir/sigmoid.md");
  CHECK(r.status == 2);
  CHECK(r.err.find("--out: cannot write '/nonexistent-dir/sigmoid.md'") != std::string::npos);
  CHECK(r.err.find("report: x^2") == std::string::npos);  // nothing was measured
  r = run_cli("report");
  CHECK(r.status == 2);
}
