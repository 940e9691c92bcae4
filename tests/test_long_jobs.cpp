// Issue 16, items 1-3 and the resource limits: a run too large for memory is refused
// with the estimate and the limit before any work; the text trace streams; every long
// job states its size and shows progress on stderr, also with --json.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "approx/channel.hpp"
#include "approx/sigmoid_sum.hpp"
#include "approx/target.hpp"
#include "cli_runner.hpp"

using loopcert::testing::run_cli;

namespace {

std::string temp_path(const std::string& name) { return "/tmp/loopcert_long_" + std::to_string(::getpid()) + "_" + name; }

const std::string kBinary = LOOPCERT_BINARY;

// Runs a shell command line in the source directory: its stdout, and its exit status.
std::string shell(const std::string& command, int* status = nullptr) {
  FILE* pipe = ::popen(("cd " + loopcert::testing::source_dir() + " && " + command).c_str(), "r");
  std::string out;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  const int raw = ::pclose(pipe);
  if (status) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

// run_cli with environment assignments before the binary.
loopcert::testing::CliResult run_env(const std::string& env, const std::string& args) {
  const std::string err = temp_path("env.err");
  loopcert::testing::CliResult r;
  r.out = shell(env + kBinary + " " + args + " 2>" + err, &r.status);
  std::ifstream in(err);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

// The official CSV pair of a program that fills s = 1, m, n = 4096 columns, N = 8: every
// command subtracts cell 1 from itself and jumps to the next (the last to the first).
std::string wide_pair(int m) {
  const int n = 4096, s = 1, commands = n - s - m;
  const std::string cmds = temp_path("wide_cmds.csv"), mem = temp_path("wide_mem.csv");
  std::ofstream c(cmds), v(mem);
  c << "a,b,c\n";
  for (int i = 0; i < commands; ++i) c << s << "," << s << "," << s + m + (i + 1) % commands << "\n";
  v << "mem\n";
  for (int i = 0; i < m; ++i) v << "0\n";
  return "--cmds " + cmds + " --mem " + mem + " --layout " + std::to_string(s) + "," + std::to_string(m) + "," + std::to_string(n) + ",8";
}

// A program that never halts: B -= 1 (wrapping at 8 bits) and back to the start, so
// no command is a fixed point.
std::string endless_program() {
  const std::string path = temp_path("endless.sq");
  std::ofstream(path) << ".bits 8\n.mem A 1\n.mem B 0\n.mem Z 0\nloop: subleq A, B, next\nnext: subleq Z, Z, loop\n";
  return path;
}

}  // namespace

TEST_CASE("run: columns and precision are capped together, the refusal gives the estimate and the limit", "[cli][limits]") {
  const std::string pair = wide_pair(2047);
  const auto r = run_cli("run " + pair + " --scalar mpfr:100000");
  INFO(r.err);
  CHECK(r.status == 2);  // not 134 (GMP's abort)
  CHECK(r.err.find("a run at mpfr:100000 needs about") != std::string::npos);
  CHECK(r.err.find("GB of memory") != std::string::npos);
  CHECK(r.err.find("the limit is") != std::string::npos);
  CHECK(r.out.empty());
  // Negative checks: the same program at double runs, and mpfr:100000 on a small program too.
  CHECK(run_cli("run " + pair + " --max-steps 2").status == 0);
  CHECK(run_cli("run examples/subleq/multiply.sq --scalar mpfr:100000 --max-steps 1").status == 0);
}

TEST_CASE("run --trace: the text trace streams, the JSON trace is capped", "[cli][limits]") {
  // A row per loop appears before the run ends: the program never halts and the run is
  // cut by timeout(1) after 3 s, so only a streamed trace has rows on stdout by then.
  const std::string rows = shell("timeout 3 " + kBinary + " run " + endless_program() + " --trace --max-steps 1000000000000 2>/dev/null | grep -c subleq");
  CHECK(std::stol(rows.empty() ? "0" : rows) > 10);
  const auto capped = run_cli("run " + endless_program() + " --trace --json --max-steps 1000001");
  CHECK(capped.status == 2);
  CHECK(capped.err.find("--trace with --json holds every loop's row") != std::string::npos);
  CHECK(run_cli("run " + endless_program() + " --trace --json --max-steps 5").status == 0);
}

TEST_CASE("long jobs state their size and show progress on stderr, with --json too", "[cli][limits]") {
  const std::string now = "LOOPCERT_PROGRESS_AFTER=0 ";
  auto r = run_env(now, "run --machine-only --json --max-steps 3000000 " + endless_program());
  CHECK(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["steps"] == 3000000);
  CHECK(r.err.find("at most 3000000 steps (--max-steps)") != std::string::npos);
  CHECK(r.err.find(" of 3000000 steps") != std::string::npos);
  r = run_env(now, "run --json --max-steps 3000 " + endless_program());
  CHECK(r.status == 0);
  CHECK(r.err.find("at most 3000 steps (--max-steps) at double") != std::string::npos);
  r = run_env(now, "verify read --trials 5 --json");
  CHECK(r.status == 0);
  CHECK(r.err.find("1 lemma(s) x 5 random and 5 worst-case trials at double") != std::string::npos);
  // Negative check: a job that ends within the quiet time prints nothing on stderr.
  CHECK(run_cli("run --machine-only --json --max-steps 3000 " + endless_program()).err.empty());
}

TEST_CASE("limits: N <= 62 for transformer runs (.bits 64 runs on the machine), a layout field over 10^9 says why", "[cli][limits]") {
  const std::string bits64 = temp_path("bits64.sq");
  std::ofstream(bits64) << ".bits 64\n.mem A 1\nhalt\n";
  auto r = run_cli("run " + bits64);
  CHECK(r.status == 2);
  CHECK(r.err.find("N = 64 bits: the adder's integer sums reach 2^(N+2), limit is N <= 62") != std::string::npos);
  CHECK(run_cli("run --machine-only " + bits64).status == 0);
  const std::string bits62 = temp_path("bits62.sq");
  std::ofstream(bits62) << ".bits 62\n.mem A 1\nhalt\n";
  const auto at62 = run_cli("run " + bits62);  // built and run (double may diverge at 62 bits: exit 1)
  CHECK(at62.status != 2);
  CHECK(at62.out.find("N = 62 bits") != std::string::npos);
  r = run_cli("run --cmds a.csv --mem b.csv --layout 1,2047,4000000000,8");
  CHECK(r.status == 2);
  CHECK(r.err.find("n = 4000000000 is beyond the limit of 10^9 for a layout field") != std::string::npos);
  r = run_cli("run --cmds a.csv --mem b.csv --layout 1,2,x,8");
  CHECK(r.status == 2);
  CHECK(r.err.find("beyond the limit") == std::string::npos);
}

TEST_CASE("limits: the search grid's 100000 cells, .k up to 64, exponents up to 10^5", "[cli][limits]") {
  auto r = run_cli("search grid --quiet --bits 2..100 --lambda 1..2000:1 examples/subleq/multiply.sq");
  CHECK(r.status == 2);
  CHECK(r.err.find("the grid has more than 100000 cells") != std::string::npos);
  const std::string k65 = temp_path("k65.fq");
  std::ofstream(k65) << ".k 65\n.real A 1x1 0\nhalt\n";
  r = run_cli("run --machine-only " + k65);
  CHECK(r.status == 2);
  CHECK(r.err.find(":1:4: error: bad .k value '65' (expected an integer from 1 to 64)") != std::string::npos);
  r = run_cli("run examples/subleq/multiply.sq --lambda 1e100001");
  CHECK(r.status == 2);
  CHECK(r.err.find("has an exponent beyond the limit of 100000") != std::string::npos);
}

TEST_CASE("search precision: the worst case is capped in limbs before the program is read, and memory at HI", "[cli][limits]") {
  // 2..1048576 would run up to a million precisions, 8.6e9 limbs of 64 bits in all.
  auto r = run_cli("search precision missing.sq --bits 2..1048576");
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("--bits '2..1048576': the search may run every precision in LO..HI (1048575 runs") != std::string::npos);
  CHECK(r.err.find("more than the limit of 100000 limbs") != std::string::npos);
  CHECK(r.err.find("missing.sq") == std::string::npos);
  // One precision of a million bits is within the limbs, but not within memory on 4096 columns.
  r = run_cli("search precision --quiet --bits 1048576..1048576 " + wide_pair(2047));
  CHECK(r.status == 2);
  CHECK(r.err.find("a run at mpfr:1048576 needs about") != std::string::npos);
  // Negative checks: the limit itself is accepted (2..3545 is 99,959 limbs; 2..3546 is
  // 100,015), and the refusal is then the program's.
  CHECK(run_cli("search precision missing.sq --bits 2..3546").err.find("more than the limit of 100000 limbs") != std::string::npos);
  r = run_cli("search precision missing.sq --bits 2..3545");
  CHECK(r.status == 2);
  CHECK(r.err.find("limbs") == std::string::npos);
  CHECK(r.err.find("missing.sq") != std::string::npos);
}

TEST_CASE("search precision and grid state their size and show their loops on stderr, with --json too", "[cli][limits]") {
  const std::string now = "LOOPCERT_PROGRESS_AFTER=0 ";
  auto r = run_env(now, "search precision --json --max-steps 3000 --bits 40..41 " + endless_program());
  INFO(r.err);
  CHECK(r.status != 2);
  CHECK(nlohmann::json::parse(r.out).contains("bits_min"));
  CHECK(r.err.find("precisions 40..41, at most 2 runs (bisection, then a scan above it) of at most 3000 steps") != std::string::npos);
  CHECK(r.err.find("loops run, of at most 6000 (2 runs x 3000 steps)") != std::string::npos);
  CHECK(r.err.find(" of 6000 loops") != std::string::npos);
  r = run_env(now, "search grid --json --max-steps 3000 --bits 40..41 --lambda 2..3:1 " + endless_program());
  CHECK(r.err.find("4 cells (precisions 40..41 x 2 lambdas) of at most 3000 steps") != std::string::npos);
  CHECK(r.err.find(" of 12000 loops") != std::string::npos);
  // Negative check: --quiet prints nothing.
  CHECK(run_env(now, "search precision --quiet --json --max-steps 3000 --bits 40..41 " + endless_program()).err.empty());
}

TEST_CASE("verify sigmoid: the fitted certificate states its size and shows its cells on stderr, with --json too", "[cli][limits][sigmoid]") {
  const auto r = run_env("LOOPCERT_PROGRESS_AFTER=0 ", "verify sigmoid --json --trials 5 --terms 16 --construction fitted --f x^2");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(nlohmann::json::parse(r.out).contains("results"));
  CHECK(r.err.find("fitting 16 terms by least squares on 192 points, certifying them (at most 200000 cells per channel)") !=
        std::string::npos);
  CHECK(r.err.find("the certificate of the fitted sum, at most 200000 cells of branch and bound") != std::string::npos);
  CHECK(r.err.find(" of 200000 cells") != std::string::npos);
  // Negative check: the staircase has no certificate to show.
  CHECK(run_env("LOOPCERT_PROGRESS_AFTER=0 ", "verify sigmoid --json --trials 5 --terms 16 --construction staircase --f x^2")
            .err.find("cells") == std::string::npos);
}

TEST_CASE("the fit reports its candidate widths, and gives the same sum with or without the callback", "[limits][sigmoid]") {
  const auto target = loopcert::approx::make_target(loopcert::approx::parse_target_kind("1/x"), std::nullopt, {});
  const loopcert::approx::Univariate f = loopcert::approx::target_channels(target).front().f;
  const auto betas = loopcert::approx::default_fit_betas();
  std::vector<std::pair<int, int>> calls;
  const auto with = loopcert::approx::best_fit(f, 12, betas, {}, [&](int done, int widths) { calls.emplace_back(done, widths); });
  const auto without = loopcert::approx::best_fit(f, 12, betas);
  REQUIRE(calls.size() == betas.size() + 1);
  for (std::size_t i = 0; i < calls.size(); ++i) CHECK(calls[i] == std::make_pair(static_cast<int>(i), static_cast<int>(betas.size())));
  CHECK(with.c0 == without.c0);
  REQUIRE(with.terms.size() == without.terms.size());
  for (std::size_t i = 0; i < with.terms.size(); ++i) CHECK((with.terms[i].a == without.terms[i].a && with.terms[i].c == without.terms[i].c));
}

TEST_CASE("verify sigmoid: the fit states its size and shows its widths on stderr, with --json too", "[cli][limits][sigmoid]") {
  const auto r = run_env("LOOPCERT_PROGRESS_AFTER=0 ", "verify sigmoid --json --trials 5 --terms 16 --construction fitted --f x^2");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.err.find("the fitted sum's least squares, 5 candidate widths per channel, each a QR solve of a 194 x 17 long double matrix "
                   "and an error estimate on 1257 points") != std::string::npos);
  CHECK(r.err.find(" of 5 widths") != std::string::npos);
  // Negative check: the staircase has no fit, but its points are measured with progress.
  const auto stair = run_env("LOOPCERT_PROGRESS_AFTER=0 ", "verify sigmoid --json --trials 5 --terms 16 --construction staircase --f x^2");
  CHECK(stair.err.find("widths") == std::string::npos);
  // 1024 + 8 x 16 grid points and 5 random ones.
  CHECK(stair.err.find("verify sigmoid: measuring 1157 points through 16 terms per channel at double") != std::string::npos);
  CHECK(stair.err.find(" of 1157 points") != std::string::npos);
}

TEST_CASE("search lambda states its size (runs over the multiples of R) and shows its loops on stderr, with --json too", "[cli][limits]") {
  const std::string now = "LOOPCERT_PROGRESS_AFTER=0 ";
  // R = 1 up to 8: the coarse grid 1..8 (8 points) + 3 x bit_width(8) + 1 = 21 runs at most.
  auto r = run_env(now, "search lambda --json --max-steps 3000 --resolution 1 --lambda-max 8 " + endless_program());
  INFO(r.err);
  CHECK(r.status != 2);
  const auto json = nlohmann::json::parse(r.out);
  CHECK(r.err.find("lambda = k x 1 for k = 1..8 at double, at most 21 runs") != std::string::npos);
  CHECK(r.err.find("loops run, of at most 63000 (21 runs x 3000 steps)") != std::string::npos);
  CHECK(r.err.find(" of 63000 loops") != std::string::npos);
  REQUIRE(json.contains("runs"));
  CHECK(json["runs"].size() <= 21);  // the stated size is an upper bound
  // Negative check: --quiet prints nothing.
  CHECK(run_env(now, "search lambda --quiet --json --max-steps 3000 --resolution 1 --lambda-max 8 " + endless_program()).err.empty());
}
