// `loopcert run --json` is unchanged by the architecture work of issue 9: every example
// (default scalar and mpfr:100) and the four official programs give the same fields and
// values as the outputs in tests/data/run_json/, recorded before the change. Ignored:
// `seconds`, the directory in `program` (the official files moved into tests/data), and
// where the cells sit (`memory` lost the assembler's hidden cells to `hidden_memory`:
// both together must equal the old `memory`). Keys the new code adds are listed in
// kAddedKeys; any other new key is a difference. Also run by scripts/check_run_json.sh.
#include <catch2/catch.hpp>

#include <filesystem>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"

using loopcert::testing::run_cli;
using loopcert::testing::source_dir;
using nlohmann::json;

namespace {

// Keys added after the baseline was recorded, as JSON pointers.
const std::set<std::string> kAddedKeys = {"/hidden_memory", "/bounds/scalar", "/bounds/certified_exact", "/bounds/needs", "/stopped"};

// Bounds that issue 10 changed on purpose: they are now evaluated in interval arithmetic
// and rounded up (never below the exact value; properties/bounds_rigor.cpp checks that),
// so they may differ from the recorded round-to-nearest values by a few ulps either way
// (down where the old evaluation's rounding had landed above the exact value); and the
// loop theorem now uses the tight read and write bounds (proofs/read.md Lemma 2',
// proofs/write.md Lemma 2), which are never above the recorded ones (tests/test_bounds.cpp).
const std::set<std::string> kRoundedUp = {"/bounds/read", "/bounds/write"};

bool rounded_up_from(const json& want, const json& got) {
  if (!want.is_number() || !got.is_number()) return false;
  const double w = want.get<double>(), g = got.get<double>();
  return g >= 0 && g <= w + 1e-14 * std::abs(w);
}

struct Case {
  std::string file;  // in tests/data/run_json
  std::string args;  // for `loopcert run`
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const char* name : {"divmod", "factorial", "fibonacci", "gcd", "long_loop", "multiply", "sort"}) {
    const std::string sq = "examples/subleq/" + std::string(name) + ".sq";
    out.push_back({std::string(name) + ".json", sq});
    out.push_back({std::string(name) + ".mpfr100.json", sq + " --scalar mpfr:100"});
  }
  const std::vector<std::pair<std::string, std::string>> official = {
      {"subleq", "8,8,32,8"}, {"ftrl", "2,10,23,15"}, {"reverse_list", "2,11,38,5"}, {"linear_search", "2,14,94,6"}};
  for (const auto& [name, layout] : official) {
    const std::string dir = "tests/data/official/" + name;
    out.push_back({"official_" + name + ".json", "--cmds " + dir + "_cmds.csv --mem " + dir + "_init_mem.csv --layout " + layout});
  }
  return out;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return json::parse(in);
}

// The differences between `want` and `got` below `at`, one line each.
void compare(const json& want, const json& got, const std::string& at, std::vector<std::string>& diffs) {
  if (want.is_object() && got.is_object()) {
    for (const auto& [key, value] : want.items()) {
      if (!got.contains(key)) diffs.push_back(at + "/" + key + ": missing");
      else compare(value, got[key], at + "/" + key, diffs);
    }
    for (const auto& [key, value] : got.items())
      if (!want.contains(key) && !kAddedKeys.count(at + "/" + key)) diffs.push_back(at + "/" + key + ": new key");
    return;
  }
  if (want.is_array() && got.is_array() && want.size() == got.size()) {
    for (std::size_t i = 0; i < want.size(); ++i) compare(want[i], got[i], at + "/" + std::to_string(i), diffs);
    return;
  }
  if (kRoundedUp.count(at) && rounded_up_from(want, got)) return;
  if (want != got) diffs.push_back(at + ": was " + want.dump() + ", now " + got.dump());
}

}  // namespace

TEST_CASE("run --json gives the fields and values recorded before issue 9", "[cli][run][baseline]") {
  for (const Case& c : cases()) {
    SECTION(c.file) {
      json want = read_json(source_dir() + "/tests/data/run_json/" + c.file);
      // At the recorded temperature: the default one moved with the tight constants.
      const auto r = run_cli("run " + c.args + " --lambda " + want["lambda_exact"].get<std::string>() + " --json");
      REQUIRE((r.status == 0 || r.status == 1));
      json got = json::parse(r.out);
      // Ignored fields.
      want.erase("seconds");
      got.erase("seconds");
      want.erase("lambda_default");  // the recorded default temperature is given explicitly
      got.erase("lambda_default");
      want["program"] = std::filesystem::path(want["program"].get<std::string>()).filename().string();
      got["program"] = std::filesystem::path(got["program"].get<std::string>()).filename().string();
      // The cells: declared plus hidden equal the old list.
      json cells = got["memory"];
      if (got.contains("hidden_memory"))
        for (const auto& [name, value] : got["hidden_memory"].items()) cells[name] = value;
      std::vector<std::string> diffs;
      compare(want["memory"], cells, "/memory", diffs);
      want.erase("memory");
      got.erase("memory");
      compare(want, got, "", diffs);
      for (const auto& d : diffs) UNSCOPED_INFO(c.file << " " << d);
      CHECK(diffs.empty());
    }
  }
}
