// `loopcert report`: the three files from one measurement, the page and the Markdown
// showing every number of the tables, figures with finite coordinates, and a check that
// would notice a number missing from the page (its negative check).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "report/error_report.hpp"
#include "report/error_report_tables.hpp"
#include "report/svg.hpp"

using namespace loopcert;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The cells of the report's tables that `text` does not contain (HTML-escaped when
// `html`): empty when every shown number and verdict is on the page.
std::vector<std::string> missing_cells(const report::ErrorReport& r, const std::string& text, bool html) {
  std::vector<std::string> missing;
  for (const auto& t : {report::verdict_table(r), report::minimum_settings_table(r), report::formats_table(r),
                        report::layer_table(r.programs.front())})
    for (const auto& row : t.rows)
      for (const auto& cell : row) {
        const std::string shown = html ? report::xml_escape(cell) : cell;
        if (text.find(shown) == std::string::npos) missing.push_back(cell);
      }
  return missing;
}

const report::ErrorReport& tiny_report() {
  static const report::ErrorReport r = [] {
    report::ReportOptions o;
    o.programs = {{"tiny3", std::string(LOOPCERT_SOURCE_DIR) + "/examples/certify/tiny3.sq", "", "", ""}};
    o.scalars = {parse_scalar("double"), parse_scalar("fp8e5m2")};
    o.quick = true;
    return report::measure(o);
  }();
  return r;
}

}  // namespace

TEST_CASE("report: one measurement gives index.html, report.md and data.json that agree", "[report]") {
  const auto& r = tiny_report();
  REQUIRE(r.programs.size() == 1);
  const auto& p = r.programs.front();
  REQUIRE(p.scalars.size() == 2);
  CHECK(p.scalars[0].agree);         // double runs the 3-bit counter
  CHECK_FALSE(p.scalars[1].agree);   // fp8e5m2 does not (certify refutes it too)
  CHECK(p.scalars[0].drift.size() == static_cast<std::size_t>(p.scalars[0].loops));
  const fs::path dir = fs::temp_directory_path() / "loopcert_report_test";
  fs::remove_all(dir);
  report::write_report(r, dir.string());
  const std::string html = slurp(dir / "index.html"), md = slurp(dir / "report.md");
  const auto data = nlohmann::json::parse(slurp(dir / "data.json"));
  CHECK(data["schema"] == "loopcert-report/1");
  CHECK(data["programs"][0]["scalars"][1]["agree"] == false);
  CHECK(data["programs"][0]["default_lambda"].get<double>() == p.default_lambda);
  INFO("missing from the page: " << missing_cells(r, html, true).size());
  CHECK(missing_cells(r, html, true).empty());
  CHECK(missing_cells(r, md, false).empty());
  // Every number of data.json that a table shows is on the page, in the one format.
  CHECK(html.find(report::fmt_number(p.default_lambda)) != std::string::npos);
  if (p.lambda_min) CHECK(html.find(report::fmt_number(*p.lambda_min)) != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);   // readable without JavaScript
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no network but the SVG namespace
  CHECK(html.find("nan") == std::string::npos);
  CHECK(fs::file_size(dir / "drift.csv") > 20);
}

TEST_CASE("report: the page check notices a missing number", "[report]") {
  const auto& r = tiny_report();
  std::string html = report::to_html(r);
  const auto t = report::minimum_settings_table(r);
  const std::string cell = report::xml_escape(t.rows[0][4]);  // the default lambda as shown
  REQUIRE(html.find(cell) != std::string::npos);
  for (auto at = html.find(cell); at != std::string::npos; at = html.find(cell)) html.erase(at, cell.size());
  CHECK_FALSE(missing_cells(r, html, true).empty());
}
