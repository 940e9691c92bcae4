// `run` says why it ended (issue 16, item 9): exit 0 for a run that agrees but did not
// halt within --max-steps is documented, so the text and the JSON say "stopped at
// --max-steps" / "max_steps", distinct from a halt and from a divergence.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;

TEST_CASE("run: a run cut at --max-steps says so in text and JSON", "[cli][run]") {
  const auto cut = run_cli("run examples/subleq/factorial.sq --max-steps 3 --json");
  REQUIRE(cut.status == 0);
  const auto j = nlohmann::json::parse(cut.out);
  CHECK(j["halted"] == false);
  CHECK(j["stopped"] == "max_steps");
  CHECK(run_cli("run examples/subleq/factorial.sq --max-steps 3").out.find("stopped at --max-steps") != std::string::npos);
  // Negative check: the same program run to its end halts, and a low temperature diverges.
  CHECK(nlohmann::json::parse(run_cli("run examples/subleq/factorial.sq --json").out)["stopped"] == "halted");
  const auto low = run_cli("run examples/subleq/factorial.sq --lambda 1/4 --json");
  CHECK(low.status == 1);
  CHECK(nlohmann::json::parse(low.out)["stopped"] == "divergence");
}
