// Issue 16, items 5-8: one number syntax for every real-valued flag, flags checked before
// files, blame on the file:line that is wrong, a vacuous verify is not a pass, and a
// UTF-8 byte-order mark is accepted by every file reader. Each case failed before its fix.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;
using loopcert::testing::source_dir;

namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/loopcert_flags_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kBom = "\xEF\xBB\xBF";

}  // namespace

TEST_CASE("flags: --tolerance and --lambda read the same numbers (decimals and fractions, no hex, no blanks)", "[cli][flags]") {
  const std::string m = "examples/subleq/multiply.sq --max-steps 5 ";
  // Accepted alike: a fraction and a decimal, with the same value.
  const auto fraction = run_cli("run " + m + "--tolerance 1/4 --lambda 7/2 --json");
  REQUIRE(fraction.status == 0);
  const auto decimal = run_cli("run " + m + "--tolerance 0.25 --lambda 3.5 --json");
  REQUIRE(decimal.status == 0);
  const auto f = nlohmann::json::parse(fraction.out), d = nlohmann::json::parse(decimal.out);
  for (const char* field : {"lambda", "tolerance", "memory", "max_drift", "steps", "agree"}) CHECK(f[field] == d[field]);
  // Refused alike, naming the flag.
  for (const std::string flag : {"--tolerance", "--lambda", "--data-tolerance"})
    for (const std::string value : {"0x0.4", "' 0.25'", "'0.25 '", "inf", "nan"}) {
      const auto r = run_cli("run " + m + flag + " " + value);
      INFO(flag << " " << value << " -> " << r.err);
      CHECK(r.status == 2);
      CHECK(r.err.find(flag) != std::string::npos);
      CHECK(r.err.find("is not a number") != std::string::npos);
    }
}

TEST_CASE("flags: a subnormal value is refused, not rounded (7e-324 would run at 4.94e-324)", "[cli][flags]") {
  const std::string m = "examples/subleq/multiply.sq --max-steps 5 ";
  for (const std::string flag : {"--lambda", "--tolerance"}) {
    const auto r = run_cli("run " + m + flag + " 7e-324");
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(flag + ": 7e-324 is subnormal") != std::string::npos);
  }
  CHECK(run_cli("search terms --trials 5 --error 1e-310").err.find("--error: 1e-310 is subnormal") != std::string::npos);
  CHECK(run_cli("verify sigmoid --trials 5 --f 1/x --range 1e-310..1").err.find("--range: 1e-310..1 is subnormal") != std::string::npos);
  // Negative check: the smallest normal double itself is a valid tolerance.
  CHECK(run_cli("run " + m + "--tolerance 2.2250738585072014e-308").status != 2);
}

TEST_CASE("run: flags are checked before the program is read", "[cli][flags]") {
  auto r = run_cli("run missing.sq --lambda 1/0");
  CHECK(r.status == 2);
  CHECK(r.err.find("--lambda: '1/0' divides by zero") != std::string::npos);
  CHECK(r.err.find("missing.sq") == std::string::npos);
  r = run_cli("run missing.sq --scalar mpfi:64");
  CHECK(r.status == 2);
  CHECK(r.err.find("--scalar: scalar 'mpfi:64' is not available for runs") != std::string::npos);
  CHECK(r.err.find("missing.sq") == std::string::npos);
  // With good flags, the missing file is what is blamed.
  r = run_cli("run missing.sq --lambda 4");
  CHECK(r.status == 2);
  CHECK(r.err.find("missing.sq") != std::string::npos);
}

TEST_CASE("verify sigmoid: a table whose x reaches 1e308 blames the table's line, not --range", "[cli][flags][sigmoid]") {
  const std::string table = temp_file("far.tbl", "x y\n0 0\n0.5 1\n1e308 1\n");
  const auto r = run_cli("verify sigmoid --trials 5 --terms 4 --f table --table " + table);
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("--table: " + table + ":4: x = 1e+308") != std::string::npos);
  CHECK(r.err.find("--range:") == std::string::npos);
  // With an explicit --range, the range is what is too large.
  const auto ranged = run_cli("verify sigmoid --trials 5 --terms 4 --f table --range 0..1e300 --table " + table);
  CHECK(ranged.status == 2);
  CHECK(ranged.err.find("--range:") != std::string::npos);
}

TEST_CASE("verify: an infinite bound is vacuous, not a pass (exit 1)", "[cli][verify]") {
  const std::string table = temp_file("huge_y.tbl", "0 1e308\n1 -1e308\n");
  auto r = run_cli("verify sigmoid --trials 5 --terms 4 --f table --table " + table);
  CHECK(r.status == 1);
  CHECK(r.out.find("VACUOUS") != std::string::npos);
  CHECK(r.out.find("holds (vacuous)") == std::string::npos);
  CHECK(r.err.find("vacuous") != std::string::npos);
  r = run_cli("verify sigmoid --trials 5 --terms 4 --f table --json --table " + table);
  CHECK(r.status == 1);
  CHECK(r.out.find("\"verdict\": \"vacuous\"") != std::string::npos);
  // The lemma checks at a format whose bounds overflow (branch's generic ffn_rounding: gamma_k
  // with k u >= 1; correct's own partial-sum count is finite there since issue 10).
  r = run_cli("verify branch --trials 3 --scalar fp8e5m2");
  CHECK(r.status == 1);
  CHECK(r.out.find("VACUOUS") != std::string::npos);
  // Negative checks: finite bounds that hold still pass.
  CHECK(run_cli("verify sigmoid --trials 5 --terms 4 --f table --table " + temp_file("small.tbl", "0 0\n1 1\n")).status == 0);
  CHECK(run_cli("verify read --trials 3").status == 0);
}

TEST_CASE("files: a UTF-8 byte-order mark is accepted by every reader (.sq, .fq, CSV, tables)", "[cli][input]") {
  const std::string dir = source_dir() + "/";
  const std::string sq = temp_file("bom.sq", kBom + file_text(dir + "examples/subleq/gcd.sq"));
  CHECK(run_cli("run --machine-only " + sq).out.find("halted") != std::string::npos);
  const std::string fq = temp_file("bom.fq", kBom + file_text(dir + "examples/fleq/subleq/gcd.fq"));
  const auto f = run_cli("run --machine-only " + fq);
  INFO(f.err);
  CHECK(f.status == 0);
  const std::string official = dir + "../shared/compat/official/";
  const std::string cmds = temp_file("bom_cmds.csv", kBom + file_text(official + "subleq_cmds.csv"));
  const std::string mem = temp_file("bom_mem.csv", kBom + file_text(official + "subleq_init_mem.csv"));
  const auto plain = run_cli("run --machine-only --cmds " + official + "subleq_cmds.csv --mem " + official +
                             "subleq_init_mem.csv --layout 8,8,32,8 --json");
  REQUIRE(plain.status == 0);
  const auto marked = run_cli("run --machine-only --cmds " + cmds + " --mem " + mem + " --layout 8,8,32,8 --json");
  CHECK(marked.status == 0);
  CHECK(nlohmann::json::parse(marked.out)["memory"] == nlohmann::json::parse(plain.out)["memory"]);
  const std::string table = temp_file("bom.tbl", kBom + "0 0\n1 1\n");  // a data line first: it was refused
  CHECK(run_cli("verify sigmoid --trials 5 --terms 4 --f table --table " + table).status == 0);
  // Negative check: a byte-order mark anywhere else is still an error with a position.
  const auto inner = run_cli("run --machine-only " + temp_file("inner.sq", file_text(dir + "examples/subleq/gcd.sq") + kBom + "halt\n"));
  CHECK(inner.status == 2);
  CHECK(inner.err.find("\\xEF\\xBB\\xBF") != std::string::npos);
}
