// `loopcert report` beyond one run: the shards of `--shard I/K` merged (`--merge`) give the
// report the unsharded run gives, on every deterministic field of data.json (all but the
// seconds and the date); data.json reads back to the same document; and report.md shows
// what data.json holds (its tables checked cell by cell against the JSON, not against the
// structs they were rendered from). Each check has its negative case.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include "analysis/lemma_checks.hpp"
#include "report/error_report.hpp"
#include "report/error_report_tasks.hpp"
#include "cli_runner.hpp"
#include "report/grid_shard.hpp"
#include "report/search_report.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/assembler.hpp"

using namespace loopcert;
using report::Json;
namespace fs = std::filesystem;

namespace {

report::ReportOptions tiny_options() {
  report::ReportOptions o;
  o.programs = {{"tiny3", std::string(LOOPCERT_SOURCE_DIR) + "/examples/certify/tiny3.sq", "", "", ""}};
  o.scalars = {parse_scalar("double"), parse_scalar("fp8e5m2")};
  o.quick = true;
  return o;
}

// data.json without what a rerun changes: the seconds (anywhere) and the date.
Json deterministic(Json j) {
  if (j.is_object()) {
    j.erase("seconds");
    j.erase("generated");
    for (auto& [key, value] : j.items()) value = deterministic(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = deterministic(value);
  }
  return j;
}

std::vector<std::string> shards_of(const report::ReportOptions& o, int k) {
  std::vector<std::string> out;
  for (int i = 1; i <= k; ++i) {
    std::ostringstream s;
    report::write_shard(o, report::Shard{i, k}, s);
    out.push_back(s.str());
  }
  return out;
}

// The rows of the Markdown table under "## title": cells trimmed, header and rule skipped.
std::vector<std::vector<std::string>> md_rows(const std::string& md, const std::string& title) {
  std::vector<std::vector<std::string>> rows;
  const auto at = md.find("## " + title);
  if (at == std::string::npos) return rows;
  std::istringstream in(md.substr(at));
  std::string line;
  int table_lines = 0;
  std::getline(in, line);
  while (std::getline(in, line) && line.rfind("## ", 0) != 0) {
    if (line.rfind("| ", 0) != 0) continue;
    if (++table_lines <= 2) continue;  // header, rule
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream cs(line.substr(2));
    while (std::getline(cs, cell, '|')) {
      while (!cell.empty() && cell.back() == ' ') cell.pop_back();
      while (!cell.empty() && cell.front() == ' ') cell.erase(0, 1);
      cells.push_back(cell);
    }
    rows.push_back(cells);
  }
  return rows;
}

// A number as the page shows it; null is "none" for an optional, "inf" for a number that
// report::number wrote as null (an infinite error or bound).
std::string shown(const Json& v, const char* null_text = "none") { return v.is_null() ? null_text : report::fmt_number(v.get<double>()); }
std::string error_shown(const Json& v) { return shown(v, "inf"); }

// What report.md gets wrong about data.json: one line per cell that differs.
std::vector<std::string> md_disagrees(const Json& data, const std::string& md) {
  std::vector<std::string> wrong;
  const auto minimum = md_rows(md, "Minimum settings");
  const auto verdict = md_rows(md, "Verdict");
  const auto& programs = data["programs"];
  if (minimum.size() != programs.size()) wrong.push_back("minimum settings: row count");
  if (verdict.size() != programs.size()) wrong.push_back("verdict: row count");
  for (std::size_t i = 0; i < programs.size() && i < minimum.size() && i < verdict.size(); ++i) {
    const Json& p = programs[i];
    const std::vector<std::string> want{p["name"], shown(p["columns"]), shown(p["bits"]), shown(p["steps"]), shown(p["default_lambda"]),
                                        shown(p["lambda_min"]), shown(p["lambda_predicted"])};
    for (std::size_t c = 0; c < want.size(); ++c)
      if (minimum[i].at(c) != want[c]) wrong.push_back("minimum settings " + want[0] + " column " + std::to_string(c) + ": " + minimum[i][c]);
    if (minimum[i].at(8) != shown(p["bits_min"]) || minimum[i].at(9) != shown(p["bits_predicted"])) wrong.push_back("minimum settings: bits");
    for (std::size_t s = 0; s < p["scalars"].size(); ++s) {
      const Json& v = p["scalars"][s];
      const std::string cell = verdict[i].at(s + 1);
      const std::string head = v["agree"].get<bool>() ? "agrees" : "diverges at loop " + std::to_string(v["loops"].get<long>());
      if (cell.rfind(head, 0) != 0) wrong.push_back("verdict " + p["name"].get<std::string>() + " " + v["scalar"].get<std::string>() + ": " + cell);
    }
  }
  const auto lemmas = md_rows(md, "Lemma table");
  if (lemmas.size() != data["lemmas"].size()) wrong.push_back("lemma table: row count");
  for (std::size_t i = 0; i < lemmas.size() && i < data["lemmas"].size(); ++i) {
    const Json& l = data["lemmas"][i];
    auto cell = [&](const Json& k) {
      return error_shown(k["max_observed"]) + " of " + error_shown(k["bound_at_max"]) + " (" + error_shown(k["max_ratio"]) + ")";
    };
    const std::string random = cell(l["random"]), worst = cell(l["worst_case"]);
    if (lemmas[i].at(0) != l["lemma"] || lemmas[i].at(1) != l["scalar"] || lemmas[i].at(2) != random || lemmas[i].at(3) != worst ||
        lemmas[i].at(4) != shown(l["violations"]))
      wrong.push_back("lemma table row " + std::to_string(i));
  }
  const auto sigmoid = md_rows(md, "Sigmoid lemma");
  if (sigmoid.size() != data["sigmoid"]["curves"].size()) wrong.push_back("sigmoid: row count");
  for (std::size_t i = 0; i < sigmoid.size() && i < data["sigmoid"]["curves"].size(); ++i) {
    const Json& c = data["sigmoid"]["curves"][i];
    if (sigmoid[i].at(0) != c["construction"] || sigmoid[i].at(2) != error_shown(c["max_error"]) || sigmoid[i].at(4) != error_shown(c["bound"]))
      wrong.push_back("sigmoid row " + std::to_string(i));
  }
  return wrong;
}

// The three shards of the tiny report (measured once for every test here).
const std::vector<std::string>& three_shards() {
  static const std::vector<std::string> texts = shards_of(tiny_options(), 3);
  return texts;
}

const report::ErrorReport& unsharded() {
  static const report::ErrorReport r = report::measure(tiny_options());
  return r;
}

}  // namespace

TEST_CASE("report --merge: three shards make the unsharded report", "[report]") {
  const auto& texts = three_shards();
  // Every task is in exactly one shard.
  std::size_t lines = 0;
  for (const auto& t : texts) lines += std::count(t.begin(), t.end(), '\n') - 1;
  CHECK(lines == report::plan(tiny_options()).size());
  const Json merged = report::to_json(report::merge_shards({texts[2], texts[0], texts[1]}, {"c", "a", "b"}));
  const Json whole = report::to_json(unsharded());
  CHECK(deterministic(merged) == deterministic(whole));
  // The comparison sees a difference: one verdict flipped.
  Json flipped = deterministic(whole);
  flipped["programs"][0]["scalars"][1]["agree"] = true;
  CHECK(deterministic(merged) != flipped);
}

TEST_CASE("report --merge refuses a missing, repeated or foreign shard", "[report]") {
  const auto& texts = three_shards();
  CHECK_THROWS_WITH(report::merge_shards({texts[0], texts[1]}, {"a", "b"}), Catch::Contains("shard 3/3 is missing"));
  CHECK_THROWS_WITH(report::merge_shards({texts[0], texts[0], texts[1]}, {"a", "b", "c"}), Catch::Contains("b:1: shard 1/3 given twice"));
  std::string foreign = texts[1];
  const auto at = foreign.find("fp8e5m2");
  REQUIRE(at < foreign.find('\n'));  // in the header's options
  foreign.replace(at, 7, "float");
  CHECK_THROWS_WITH(report::merge_shards({texts[0], foreign, texts[2]}, {"a", "b", "c"}), Catch::Contains("b:1: the options differ"));
  const std::string cut = texts[2].substr(0, texts[2].rfind('\n', texts[2].size() - 2) + 1);  // its last line lost
  CHECK_THROWS_WITH(report::merge_shards({texts[0], texts[1], cut}, {"a", "b", "c"}), Catch::Contains("cut short"));
  CHECK_THROWS_WITH(report::merge_shards({texts[0], texts[1], "{}\n"}, {"a", "b", "c"}), Catch::Contains("c:1: not a loopcert report shard"));
  CHECK_THROWS_AS(report::parse_shard("3/2"), std::invalid_argument);
  CHECK_THROWS_AS(report::parse_shard("0/2"), std::invalid_argument);
  CHECK_THROWS_AS(report::parse_shard("1/2x"), std::invalid_argument);
  CHECK(report::parse_shard("2/8").index == 2);
  CHECK(report::parse_shard("2/8").count == 8);
}

TEST_CASE("report: data.json reads back to the same document", "[report]") {
  const Json j = report::to_json(unsharded());
  CHECK(report::to_json(report::from_json(j)) == j);
  Json broken = j;
  broken["programs"][0].erase("steps");
  CHECK_THROWS_WITH(report::from_json(broken), Catch::Contains("'steps'"));
}

TEST_CASE("report: report.md shows what data.json holds", "[report]") {
  const fs::path dir = fs::temp_directory_path() / "loopcert_report_md_test";
  fs::remove_all(dir);
  report::write_report(unsharded(), dir.string());
  std::ifstream dj(dir / "data.json"), mdf(dir / "report.md");
  std::stringstream ds, ms;
  ds << dj.rdbuf();
  ms << mdf.rdbuf();
  const Json data = Json::parse(ds.str());
  const std::string md = ms.str();
  REQUIRE(data["lemmas"].size() == 2 * analysis::lemma_names().size());  // every registered lemma x 2 scalars
  REQUIRE(data["sigmoid"]["curves"].size() == 2);
  for (const auto& w : md_disagrees(data, md)) UNSCOPED_INFO(w);
  CHECK(md_disagrees(data, md).empty());
  // Negative checks: a number changed in data.json, a lemma row dropped from the page.
  Json changed = data;
  changed["programs"][0]["default_lambda"] = changed["programs"][0]["default_lambda"].get<double>() + 1;
  CHECK_FALSE(md_disagrees(changed, md).empty());
  Json fewer = data;
  fewer["lemmas"].erase(fewer["lemmas"].begin());
  CHECK_FALSE(md_disagrees(fewer, md).empty());
}

TEST_CASE("search grid --shard: the shards' cells together are the grid's", "[report]") {
  const auto program = isa::load_sq(std::string(LOOPCERT_SOURCE_DIR) + "/examples/certify/tiny3.sq");
  const compile::LoopTarget target = compile::subleq_target(program, blocks::BlockParams{});
  analysis::SearchCommon common;
  const Rational a(1), b(3), step(1);
  std::multiset<std::string> whole, merged, first_only;
  const nlohmann::json grid = report::grid_json(analysis::search_grid(target, 4, 9, a, b, step, common), {"tiny3", ""});
  for (const auto& cell : grid["cells"]) whole.insert(cell.dump());
  for (int i = 1; i <= 2; ++i) {
    std::ostringstream out;
    report::write_grid_shard(out, target, report::Shard{i, 2}, 4, 9, a, b, step, common, "tiny3");
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) (i == 1 ? first_only : merged).insert(nlohmann::json::parse(line).dump());
  }
  merged.insert(first_only.begin(), first_only.end());
  CHECK(whole.size() == 18);  // 6 precisions x 3 lambdas
  CHECK(merged == whole);
  CHECK(first_only != whole);  // one shard alone is not the grid
}

TEST_CASE("report --shard and --merge: bad flags and files exit 2 with a message naming them", "[report][cli]") {
  using loopcert::testing::run_cli;
  const std::string tiny = "examples/certify/tiny3.sq";
  auto r = run_cli("report " + tiny + " --shard 3/2 --out /tmp/loopcert_shard_test.jsonl");
  CHECK(r.status == 2);
  CHECK(r.err.find("--shard: expected I/K") != std::string::npos);
  r = run_cli("report --merge /nonexistent/a.jsonl --out /tmp/loopcert_merge_test");
  CHECK(r.status == 2);
  CHECK(r.err.find("--merge: cannot read '/nonexistent/a.jsonl'") != std::string::npos);
  r = run_cli("report --merge README.md --out /tmp/loopcert_merge_test");
  CHECK(r.status == 2);
  CHECK(r.err.find("--merge") != std::string::npos);
  r = run_cli("report " + tiny + " --merge README.md --out /tmp/loopcert_merge_test");
  CHECK(r.status == 2);
  CHECK(r.err.find("give only --merge FILES") != std::string::npos);
}
