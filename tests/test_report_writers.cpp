// The report layer's writers: SVG figures (every coordinate finite and inside the view
// box, values that cannot be drawn counted and announced), Markdown tables and the README
// markers that generated tables live between.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <regex>
#include <string>

#include "report/markdown.hpp"
#include "report/svg.hpp"

using namespace loopcert::report;

namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every number in a coordinate attribute or a path is finite and within the 780 x 400
// view box (a little slack for stroke widths). Returns the first offending text.
std::string bad_coordinate(const std::string& svg) {
  const std::regex attr(R"re(\b(x|y|x1|y1|x2|y2|cx|cy|width|height)="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), attr); it != std::sregex_iterator(); ++it) {
    const std::string v = (*it)[2];
    if (v == "100%") continue;
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0' || !std::isfinite(d) || d < -1 || d > 781) return (*it)[0];
  }
  const std::regex path(R"re(\bd="([^"]*)")re"), number(R"re([-+]?[0-9.]+(e[-+]?[0-9]+)?|nan|inf)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator(); ++it) {
    const std::string d = (*it)[1];
    for (auto n = std::sregex_iterator(d.begin(), d.end(), number); n != std::sregex_iterator(); ++n) {
      const double v = std::strtod((*n)[0].str().c_str(), nullptr);
      if (!std::isfinite(v) || v < -1 || v > 781) return (*it)[0];
    }
  }
  return "";
}

}  // namespace

TEST_CASE("a log-scale line plot draws every positive point and announces the others", "[report]") {
  LinePlot p{"drift against loop", "loop", "drift", true, false, {}, {}};
  p.series.push_back({"double", {1, 2, 3, 4}, {1e-16, 2e-16, 0, 5e-16}});
  p.series.push_back({"float", {1, 2, 3, 4}, {1e-7, std::numeric_limits<double>::quiet_NaN(), 3e-7, 4e-7}});
  p.references.push_back({"tolerance", 0.25});
  const Figure f = render(p);
  CHECK(f.dropped == 2);  // the 0 on a log axis and the NaN
  CHECK(f.zeros == 1);
  CHECK(f.svg.rfind("<svg", 0) == 0);
  CHECK(f.svg.find("</svg>") != std::string::npos);
  CHECK(count(f.svg, "<path") == 3);  // two series and the reference line
  CHECK(count(f.svg, " M") == 2);     // each series breaks at its gap: two subpaths each
  CHECK(f.svg.find("1 value(s) exactly 0, not drawn on the log axis; 1 value(s) not finite") != std::string::npos);
  CHECK(f.svg.find("tolerance") != std::string::npos);
  CHECK(bad_coordinate(f.svg).empty());
}

TEST_CASE("a log plot with zeros_on_floor draws an exact 0 on a tick labelled 0", "[report]") {
  LinePlot p{"drift against loop", "loop", "drift", true, true, {}, {}};
  p.series.push_back({"double", {1, 2, 3}, {1e-16, 0, 5e-16}});
  p.series.push_back({"fp8", {1}, {0.5}});  // one point: a marker, not an invisible path
  const Figure f = render(p);
  CHECK(f.dropped == 0);
  CHECK(f.svg.find(">0</text>") != std::string::npos);
  CHECK(f.svg.find(">1e-17</text>") == std::string::npos);  // the floor's tick reads 0
  CHECK(count(f.svg, "<circle") == 1);
  CHECK(bad_coordinate(f.svg).empty());
}

TEST_CASE("a heatmap outlines its marked cells and refuses one outside the map", "[report]") {
  Heatmap h;
  h.title = "lemma ratios";
  h.x_ticks = {"double", "fp8"};
  h.y_ticks = {"write"};
  h.values = {{0.5, 1}};
  CHECK(count(render(h).svg, "stroke=\"#d62728\"") == 0);
  h.marked = {{0, 1}};
  h.marked_name = "violated";
  const Figure f = render(h);
  CHECK(count(f.svg, "stroke=\"#d62728\"") == 1);
  CHECK(f.svg.find("violated") != std::string::npos);
  CHECK(bad_coordinate(f.svg).empty());
  h.marked = {{1, 0}};
  CHECK_THROWS_AS(render(h), std::invalid_argument);
}

TEST_CASE("the coordinate check catches a NaN or an off-canvas coordinate", "[report]") {
  // Negative check of the helper the figure tests rely on.
  CHECK_FALSE(bad_coordinate(R"(<svg><path d="M10,20 Lnan,30"/></svg>)").empty());
  CHECK_FALSE(bad_coordinate(R"(<svg><circle cx="5000" cy="1"/></svg>)").empty());
  CHECK(bad_coordinate(R"(<svg><rect width="100%" x="3" y="4"/></svg>)").empty());
}

TEST_CASE("a heatmap has one rectangle per cell, grey where there is no data, and its overlay", "[report]") {
  Heatmap h;
  h.title = "phase diagram";
  h.x_label = "lambda";
  h.y_label = "bits";
  h.value_label = "agrees";
  h.x_ticks = {"1", "2", "3"};
  h.y_ticks = {"8", "16"};
  h.values = {{0, 1, 1}, {1, std::numeric_limits<double>::quiet_NaN(), 1}};
  h.overlay = {{0.5, 0}, {1.5, 1}, {3, 2}};
  h.overlay_name = "predicted boundary";
  const Figure f = render(h);
  CHECK(count(f.svg, "<title>") == 1 + 6);  // the figure's and one per cell
  CHECK(f.dropped == 1);
  CHECK(f.svg.find("#bbb") != std::string::npos);
  CHECK(f.svg.find("predicted boundary") != std::string::npos);
  CHECK(bad_coordinate(f.svg).empty());
  h.x_ticks.pop_back();
  CHECK_THROWS_AS(render(h), std::invalid_argument);
}

TEST_CASE("a bar chart labels every bar and marks the ones it cannot draw", "[report]") {
  BarChart b{"per-layer error", "error", true, {"fetch", "operands", "write"}, {1e-16, 0, 3e-12}, ReferenceLine{"tolerance", 0.25}};
  const Figure f = render(b);
  CHECK(f.dropped == 1);
  CHECK(count(f.svg, "<rect") == 1 + 2);  // the background and two bars
  CHECK(f.svg.find(">operands<") != std::string::npos);
  CHECK(bad_coordinate(f.svg).empty());
}

TEST_CASE("text in figures is escaped", "[report]") {
  CHECK(xml_escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;");
}

TEST_CASE("markdown tables and the README markers", "[report]") {
  MarkdownTable t{{"program", "loops"}, {}, {false, true}};
  t.add({"fib|x", "12"});
  CHECK(t.str() == "| program | loops |\n| --- | ---: |\n| fib\\|x | 12 |\n");
  t.add({"short"});
  CHECK_THROWS_AS(t.str(), std::logic_error);
  const std::string doc = "a\n<!-- BEGIN t -->\nold\n<!-- END t -->\nb\n";
  CHECK(between_markers(doc, "t") == "old\n");
  CHECK(replace_between_markers(doc, "t", "new\n") == "a\n<!-- BEGIN t -->\nnew\n<!-- END t -->\nb\n");
  CHECK_THROWS_AS(between_markers(doc, "u"), std::invalid_argument);
}
