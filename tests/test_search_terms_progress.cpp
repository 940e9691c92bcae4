// Issue 16, item 3: `search terms` states its size (the most steps each part can take)
// before it starts and shows its progress on stderr, also with --json, whose stdout stays
// one valid JSON object.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unistd.h>

#include "approx/target.hpp"
#include "cert/sigmoid_term_search.hpp"
#include "cli_runner.hpp"

namespace {

using loopcert::cert::smallest;
using loopcert::cert::smallest_calls_at_most;

// The calls smallest(cap, ok) makes when ok(m) is m >= threshold.
int calls_at(int cap, int threshold) {
  int calls = 0;
  smallest(cap, [&](int m) {
    ++calls;
    return m >= threshold;
  });
  return calls;
}

// The CLI with LOOPCERT_PROGRESS_AFTER=0 (progress from the first tick): stdout, stderr.
loopcert::testing::CliResult run_now(const std::string& args) {
  const std::string err_path = "/tmp/loopcert_terms_progress_" + std::to_string(::getpid()) + ".err";
  const std::string cmd = "cd " + loopcert::testing::source_dir() + " && LOOPCERT_PROGRESS_AFTER=0 " + LOOPCERT_BINARY + " " + args +
                          " 2>" + err_path;
  loopcert::testing::CliResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, got);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream err(err_path);
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  std::remove(err_path.c_str());
  return r;
}

}  // namespace

TEST_CASE("smallest's stated number of calls is the most it makes over every threshold, and is reached", "[limits][sigmoid]") {
  for (int cap = 1; cap <= 600; ++cap) {
    int worst = 0;
    for (int threshold = 1; threshold <= cap + 1; ++threshold) worst = std::max(worst, calls_at(cap, threshold));
    INFO("cap " << cap);
    // Equal, not just at most: one less would be exceeded (the negative check).
    CHECK(worst == smallest_calls_at_most(cap));
  }
  CHECK(smallest_calls_at_most(1024) == 20);
  CHECK(smallest_calls_at_most(65536) == 32);
}

TEST_CASE("search terms takes at most its stated steps and reports each one", "[limits][sigmoid]") {
  using namespace loopcert;
  const approx::Target target = approx::make_target(approx::TargetKind::Square, std::nullopt);
  const std::vector<approx::Construction> both{approx::Construction::Staircase, approx::Construction::Fitted};
  std::int64_t steps = 0, last = 0;
  int lines = 0, inner = 0, widths = 0, points = 0;
  cert::TermProgress progress;
  progress.log = [&](const std::string&) { ++lines; };
  progress.step = [&](std::int64_t done) {
    CHECK(done == last + 1);
    last = done;
    ++steps;
  };
  progress.inner = [&](const std::string& what, long done, long total) {
    CHECK(done <= total);
    CHECK(!what.empty());
    ++inner;
    widths += what.find(": candidate widths") != std::string::npos;
    points += what.find(": points") != std::string::npos;
  };
  const auto r = cert::search_terms(target, both, parse_scalar("double"), 1e-2, 5, 1, 64, 16, std::nullopt, progress);
  const cert::TermSearchSize size = cert::search_terms_size(both, 64, 16, std::nullopt);
  CHECK(size.total() == 12 + 2 * 8 + 2 * cert::kPrecisionStepsAtMost);
  CHECK(steps > 0);
  CHECK(steps <= size.total());
  CHECK(lines == steps + 2);  // a result per step and a heading per construction
  CHECK(inner > 0);
  // (The certificates here settle within 64 cells, the certificate's reporting period,
  // so `cells` is not checked; verify sigmoid's test checks the cells.)
  CHECK(widths > 0);  // inside a fit
  CHECK(points > 0);  // inside a measurement
  REQUIRE(r.constructions.size() == 2);
}

TEST_CASE("search terms: states its size and shows its steps on stderr, with --json too", "[cli][limits][sigmoid]") {
  const auto r = run_now("search terms --json --f x^2 --error 1e-2 --max-terms 64 --max-fitted-terms 16 --trials 5");
  INFO(r.err);
  CHECK(r.status == 0);
  const auto json = nlohmann::json::parse(r.out);  // stdout stays one JSON object
  CHECK(json.contains("staircase"));
  CHECK(json.contains("fitted"));
  CHECK(r.err.find("search terms: x^2 on -1..1 at double, error target 1e-2: at most 70 steps; staircase: 12 measurements at m <= 64") !=
        std::string::npos);
  CHECK(r.err.find("fitted: 8 certified fits at m <= 16") != std::string::npos);
  CHECK(r.err.find("search terms: steps done, of at most 70") != std::string::npos);
  CHECK(r.err.find(" of 70 steps") != std::string::npos);
  // The first line drawn is inside the first measurement (later ones at most once a second,
  // so which inner work they show depends on timing: the library test above checks each).
  CHECK(r.err.find("; staircase m = 1: points ") != std::string::npos);
  CHECK(r.out.find("steps") == std::string::npos);  // none of it on stdout
  // Negative check: the staircase alone has no fit and no certificate to show.
  const auto stair = run_now("search terms --json --f x^2 --error 1e-2 --max-terms 64 --construction staircase --trials 5");
  CHECK(stair.status == 0);
  CHECK(stair.err.find("at most 33 steps; staircase: 12 measurements") != std::string::npos);
  CHECK(stair.err.find("certificate cells") == std::string::npos);
  CHECK(stair.err.find("fitted:") == std::string::npos);
}
