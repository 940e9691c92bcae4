// The JSON of `loopcert run P.fq` as report/fleq_run_report.cpp writes it: the fields a
// FLEQ run adds to the generic run report, pinned by name, and their values tied to each
// other and to the flags (the run's temperature is the compiler's fetch temperature; the
// data tolerance is the flag's; the exact machine alone gives the run's reference memory).
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;
using nlohmann::json;

namespace {

std::set<std::string> keys(const json& j) {
  std::set<std::string> out;
  for (const auto& [k, v] : j.items()) out.insert(k);
  return out;
}

}  // namespace

TEST_CASE("run P.fq --json: the FLEQ fields beside the generic ones", "[fleq][run][cli][report]") {
  const auto r = run_cli("run examples/fleq/linalg/newton_a3.fq --data-tolerance 1e-5 --json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  const std::set<std::string> expected{"agree", "bits", "bounds", "columns", "constants", "data_tolerance", "decomposition", "engine", "final_drift",
                                       "final_errors", "first_divergence", "halted", "heads", "hidden_units", "lambda", "lambda_default",
                                       "lambda_exact", "layers", "loop_theorem", "loops", "margin", "max_drift", "max_drift_layer", "max_drift_loop",
                                       "max_error", "max_heads_per_layer", "memory", "program", "reference_memory", "rows", "scalar",
                                       "seconds", "steps", "stopped", "tolerance"};
  CHECK(keys(j) == expected);
  CHECK(keys(j["constants"]) == std::set<std::string>{"data_bound", "functions", "hadamard_scale_log2", "int_bound", "matmul_scale_log2", "product_error",
                                                      "product_scale_log2", "read_error", "read_lambda", "transpose_scale_log2",
                                                      "write_error", "write_lambda"});
  CHECK(keys(j["max_error"]) == std::set<std::string>{"cell", "error", "loop"});
  CHECK(j["data_tolerance"].get<double>() == 1e-5);
  CHECK(j["lambda"].get<double>() == j["constants"]["read_lambda"].get<double>());
  CHECK(j["lambda_default"] == true);
  // The largest error over the run is at least each cell's final one; its cell is one of them.
  double largest_final = 0;
  for (const auto& [cell, e] : j["final_errors"].items()) largest_final = std::max(largest_final, e.get<double>());
  CHECK(j["max_error"]["error"].get<double>() >= largest_final);
  const std::string cell = j["max_error"]["cell"];
  CHECK(j["final_errors"].contains(cell.substr(0, cell.find('['))));
  CHECK(keys(j["memory"]) == keys(j["reference_memory"]));
  CHECK(j["bounds"]["certified"] == j["loop_theorem"]["certified"]);  // the FLEQ loop theorem's verdict (test_fleq_run_theorem.cpp)
  CHECK(j["decomposition"].is_null());                                 // only with --decompose
}

TEST_CASE("run P.fq --machine-only --json: the exact machine's memory is the run's reference", "[fleq][run][cli][report]") {
  const auto m = run_cli("run examples/fleq/subleq/divmod.fq --machine-only --json");
  const auto t = run_cli("run examples/fleq/subleq/divmod.fq --json");
  INFO(m.err << t.err);
  REQUIRE(m.status == 0);
  REQUIRE(t.status == 0);
  const json mj = json::parse(m.out), tj = json::parse(t.out);
  CHECK(keys(mj) == std::set<std::string>{"error", "halted", "memory", "program", "rounded_entries", "scalar", "steps"});
  CHECK(mj["scalar"].is_null());
  CHECK(mj["error"].is_null());
  CHECK(mj["steps"] == tj["steps"]);
  CHECK(mj["memory"] == tj["reference_memory"]);
  CHECK(mj["memory"] == tj["memory"]);  // .int cells only: the transformer's are exactly the machine's
}
