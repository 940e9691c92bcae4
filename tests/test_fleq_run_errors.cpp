// `loopcert run P.fq --json`: `max_error` and `final_errors` (|x - x*| / max(1, |x*|) per
// real cell against the exact FLEQ machine) are measured on the punchcard read exactly,
// not through double. At double they are the exact measure of the printed memory against
// the exact machine's rationals (computed here independently); at mpfr:128 they resolve
// errors far below double's resolution (read through double they came out as 0 or about
// 1e-17), and equal `--decompose`'s leak plus rounding where the block-exact machine is
// the exact one (newton_a3 has no elementwise function).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "core/rational.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/machine.hpp"

using namespace loopcert;
using loopcert::testing::run_cli;
using nlohmann::json;

namespace {

const std::string kNewton = "examples/fleq/linalg/newton_a3.fq";

json run_json(const std::string& args) {
  const auto r = run_cli("run " + args + " --json");
  INFO(args << ": " << r.err);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}

// Entry (r, t) of a cell as `memory` prints it (a number for 1x1, a list of rows otherwise).
double entry(const json& cell, int r, int t) { return cell.is_array() ? cell.at(r).at(t).get<double>() : cell.get<double>(); }

}  // namespace

TEST_CASE("run P.fq --json at double: final_errors are the exact measure of the printed memory", "[fleq][run][cli]") {
  const json j = run_json(kNewton);
  REQUIRE(j["agree"] == true);
  const isa::fleq::FleqProgram program = isa::fleq::load_fq(loopcert::testing::source_dir() + "/" + kNewton);
  const isa::fleq::RunResult machine = isa::fleq::run_fleq_machine(program, 100000);
  REQUIRE(machine.halted);
  int nonzero = 0;
  for (int c = 0; c < program.cell_count(); ++c) {
    const auto& cell = program.cells[static_cast<std::size_t>(c)];
    if (cell.kind != isa::fleq::CellKind::real) continue;
    // The 17 digits of `memory` give back the transformer's doubles exactly.
    Rational worst(0);
    const auto& want = machine.final_state().cells[static_cast<std::size_t>(c)];
    for (int r = 0; r < cell.shape.rows; ++r)
      for (int t = 0; t < cell.shape.cols; ++t) {
        const Rational& y = want.at(r, t);
        const Rational ay = abs(y);
        const Rational e = abs(Rational(entry(j["memory"][cell.name], r, t)) - y) / (ay > 1 ? ay : Rational(1));
        worst = std::max(worst, e);
      }
    const double exact = to_double(worst), got = j["final_errors"][cell.name].get<double>();
    INFO(cell.name << ": reported " << got << ", exact " << exact);
    // Rounded up once: never below the exact measure, and within a few ulps of it.
    CHECK(got >= exact);
    CHECK(got <= exact * (1 + 1e-15));
    CHECK((got == 0) == (worst == 0));
    nonzero += worst != 0;
  }
  CHECK(nonzero >= 3);  // X, T, U, X2 carry the products' leak and rounding
}

TEST_CASE("run P.fq --json at mpfr:128: errors below double's resolution are resolved", "[fleq][run][cli][mpfr]") {
  const json j = run_json(kNewton + " --scalar mpfr:128 --decompose");
  REQUIRE(j["agree"] == true);
  REQUIRE(j["decomposition"].is_object());
  int nonzero = 0;
  for (const auto& [cell, e] : j["final_errors"].items()) {
    const json& parts = j["decomposition"]["cells"][cell];
    INFO(cell << ": final error " << e << ", decomposition " << parts.dump());
    // At 128 bits the leak target is G u: far below 1e-20 (through double it read 0 or ~1e-17).
    CHECK(e.get<double>() < 1e-20);
    // No elementwise function: the block-exact machine is the exact one, so the final error
    // is all leak and rounding, both measured exactly on the same read.
    CHECK(parts["approximation_final"].get<double>() == 0);
    CHECK(e.get<double>() == parts["leak_rounding_final"].get<double>());
    nonzero += e.get<double>() > 0;
  }
  CHECK(nonzero >= 3);  // the written cells' products are not exact at any precision
  CHECK(j["max_error"]["error"].get<double>() > 0);
  CHECK(j["max_error"]["error"].get<double>() < 1e-20);
  CHECK(j["decomposition"]["leak_rounding_max"]["error"].get<double>() < 1e-20);
}
