// The loopcert command as a user meets it: help, JSON fields, exit codes and the
// messages for bad input (DESIGN.md section 7).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>
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
  CHECK(j["lemmas"].size() == 15);  // the seven SUBLEQ lemmas and the eight FLEQ blocks
  CHECK(j["lemmas"][7]["lemma"] == "fleq_read");
  for (const auto& l : j["lemmas"]) CHECK(l["verdict"] == "holds");
  r = run_cli("verify read write --trials 5");
  CHECK(r.status == 0);
  CHECK(r.out.find("obs/bound") != std::string::npos);
}

TEST_CASE("report: help names the kinds, an unwritable --out exits 2 before measuring", "[cli]") {
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
  // `report` alone is the error report (minutes), no longer a usage error: this case did
  // not run while its name held a ';' (CMake split it), so the old check went unnoticed.
}

TEST_CASE("flags: empty values, integers that do not fit, values outside double's range exit 2", "[cli]") {
  const std::string m = "examples/subleq/multiply.sq";
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"run --lambda '' " + m, "--lambda: an empty value is not allowed"},
      {"run --machine-only --max-steps '' " + m, "--max-steps: an empty value is not allowed"},
      {"verify read --trials 3 --seed -1", "--seed: '-1' is not a non-negative integer"},
      {"verify read --trials 3 --seed 99999999999999999999999", "is out of range"},
      {"run --machine-only --max-steps 9223372036854775808 " + m, "is out of range"},
      {"run --lambda 1e999 " + m, "--lambda: 1e999 is outside the range of double"},
      {"run --lambda 1e-999 " + m, "--lambda: 1e-999 is outside the range of double"},
      {"run --machine-only --scalar foo " + m, "--scalar: unknown scalar 'foo'"},
      {"run --machine-only --lambda -1 " + m, "--lambda must be positive"},
      {"search precision --quiet --jobs 0 " + m, "--jobs must be >= 1"},
      {"search lambda --quiet --resolution 1e-12 " + m, "--resolution 1e-12 is too fine for --lambda-max 100000"},
      {"search grid --quiet --bits 8..9 --lambda 2..3:1e-9 " + m, "more than the grid's limit of 100000"},
      {"search grid --quiet --bits 8..9 --lambda 1e-999..1:0.5 " + m, "outside the range of double"},
      {"verify sigmoid --trials 5 --terms 2048 --construction fitted", "at most 1024 for the fitted construction"},
      {"verify sigmoid --trials 5 --f 1/x --range 1e-999..1", "--range: 1e-999..1 is outside the range of double"},
      {"search terms --trials 5 --error 1e999", "--error: 1e999 is outside the range of double"},
      {"search terms --trials 5 --terms 0 --error 0.1", "--terms must be at least 1 (got 0)"},
      {"verify formats --program " + m + " --formats double,,float", "an empty name in the list"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const auto r = run_cli(c.args);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}

TEST_CASE("transformer size: no scratchpad column, or too many columns, exit 2, the machine alone runs", "[cli]") {
  // The official subleq pair with s = 0: every command index moves down by 8.
  const std::string cmds = "/tmp/loopcert_cli_s0_cmds.csv";
  {
    std::ifstream in(loopcert::testing::source_dir() + "/../shared/compat/official/subleq_cmds.csv");
    REQUIRE(in);
    std::ofstream out(cmds);
    std::string line;
    std::getline(in, line);
    out << line << "\n";
    while (std::getline(in, line)) {
      std::stringstream fields(line);
      std::string f;
      std::vector<int> v;
      while (std::getline(fields, f, ',')) v.push_back(std::stoi(f) - 8);
      out << v[0] << "," << v[1] << "," << v[2] << "\n";
    }
  }
  const std::string pair = "--cmds " + cmds + " --mem ../shared/compat/official/subleq_init_mem.csv --layout 0,8,24,8";
  auto r = run_cli("run " + pair);
  CHECK(r.status == 2);
  CHECK(r.err.find("s = 0 scratchpad columns; the transformer needs at least one") != std::string::npos);
  r = run_cli("search lambda --quiet " + pair);
  CHECK(r.status == 2);
  r = run_cli("run --machine-only " + pair);
  CHECK(r.status == 0);

  const std::string big = "/tmp/loopcert_cli_big.sq";
  {
    std::ofstream out(big);
    for (int i = 0; i < 5000; ++i) out << ".mem C" << i << " 0\n";
    out << "subleq C0, C0\n";
  }
  r = run_cli("run --max-steps 1 " + big);
  CHECK(r.status == 2);
  CHECK(r.err.find("transformer runs are limited to 4096") != std::string::npos);
  CHECK(run_cli("run --machine-only " + big).status == 0);
}

TEST_CASE("a result that cannot be written is an error", "[cli]") {
  auto r = run_cli("run examples/subleq/multiply.sq > /dev/full");
  CHECK(r.status == 2);
  CHECK(r.err.find("writing to standard output failed") != std::string::npos);
  r = run_cli("search grid --quiet --bits 8..9 --lambda 2..3:0.5 --max-steps 5 --csv /dev/full examples/subleq/multiply.sq");
  CHECK(r.status == 2);
  CHECK(r.err.find("--csv: writing '/dev/full' failed") != std::string::npos);
}

TEST_CASE("run: the certificate is about the run's own scalar (issue 10, defect 3)", "[cli][run][certificate]") {
  for (const char* scalar : {"mpfr:12", "bf16", "fp16"}) {
    auto r = run_cli(std::string("run examples/subleq/long_loop.sq --json --scalar ") + scalar);
    const auto j = nlohmann::json::parse(r.out);
    INFO(scalar);
    CHECK(j["bounds"]["certified"] == false);
    CHECK(j["bounds"]["certified_exact"] == true);
    CHECK(j["bounds"]["scalar"] == scalar);
    r = run_cli(std::string("run examples/subleq/long_loop.sq --scalar ") + scalar);
    CHECK(r.out.find("every loop exact (proofs/subleq_loop.md)") == std::string::npos);
    CHECK(r.out.find(std::string("NOT certified at ") + scalar) != std::string::npos);
  }
  // What mpfr:12 would need: the precision the budget names is certified, and runs.
  const auto j = nlohmann::json::parse(run_cli("run examples/subleq/long_loop.sq --json --scalar mpfr:12").out);
  REQUIRE(j["bounds"]["needs"]["bits"].is_number_integer());
  const int bits = j["bounds"]["needs"]["bits"];
  CHECK(bits > 12);
  const auto ok = nlohmann::json::parse(run_cli("run examples/subleq/long_loop.sq --json --scalar mpfr:" + std::to_string(bits)).out);
  CHECK(ok["bounds"]["certified"] == true);
  CHECK(ok["bounds"]["needs"].is_null());
  CHECK(ok["agree"] == true);
  // Double at the default lambda: certified, and it agrees.
  const auto d = nlohmann::json::parse(run_cli("run examples/subleq/long_loop.sq --json").out);
  CHECK(d["bounds"]["certified"] == true);
  CHECK(d["agree"] == true);
}

TEST_CASE("run --json: memory lists the declared cells, the assembler's halt cell under hidden_memory", "[cli][run]") {
  for (const char* flags : {"", " --machine-only"}) {
    const auto j = nlohmann::json::parse(run_cli(std::string("run examples/subleq/gcd.sq --json") + flags).out);
    INFO(flags);
    CHECK(j["memory"].contains("A"));
    CHECK_FALSE(j["memory"].contains("_halt_zero"));
    CHECK(j["hidden_memory"].contains("_halt_zero"));
  }
  // Official CSV programs declare every cell (named by column).
  const auto j = nlohmann::json::parse(
      run_cli("run --cmds tests/data/official/ftrl_cmds.csv --mem tests/data/official/ftrl_init_mem.csv --layout 2,10,23,15 --json").out);
  CHECK(j["memory"]["4"] == 5040);
  CHECK_FALSE(j.contains("hidden_memory"));
}
