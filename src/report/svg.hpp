// A small SVG writer for the report's figures: line plots (linear or log y axis, with
// reference lines such as a tolerance), heatmaps (the lambda x precision phase diagram,
// attention weights) and bar charts (per-layer errors). Output is one self-contained
// <svg> element: no scripts, no external fonts, readable in any browser.
//
// Values that cannot be drawn (NaN, +-inf, or <= 0 on a log axis) are never written as
// coordinates: they are counted in `Figure::dropped` and the figure says so in a note,
// so a plot never hides a missing value and never contains "nan".
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace loopcert::report {

struct Series {
  std::string name;
  std::vector<double> x, y;
  bool points = false;  // markers instead of a line
  std::string colour = "";  // empty: the palette's next
};

struct ReferenceLine {
  std::string name;
  double y = 0;
  int series = -1;  // drawn in that series' colour (a bound of one curve); -1: grey
};

struct LinePlot {
  std::string title, x_label, y_label;
  bool log_y = false;
  // Log axis: draw exact zeros one decade below the smallest positive value, on a tick
  // labelled "0" (a drift of exactly 0 is a result, not a missing value).
  bool zeros_on_floor = false;
  std::vector<Series> series;
  std::vector<ReferenceLine> references;
};

struct Heatmap {
  std::string title, x_label, y_label, value_label;
  std::vector<std::string> x_ticks, y_ticks;   // one per column / row
  std::vector<std::vector<double>> values;     // values[row][column]; NaN: no data (drawn grey)
  bool log_color = false;
  std::optional<double> lo, hi;                // colour range; default: the data's range
  std::vector<std::pair<double, double>> overlay;  // (column, row) in cell units, drawn as a line
  std::string overlay_name;
  std::vector<std::pair<std::size_t, std::size_t>> marked;  // (row, column): outlined in red, e.g. a violated bound
  std::string marked_name;
};

struct BarChart {
  std::string title, y_label;
  bool log_y = true;
  std::vector<std::string> labels;
  std::vector<double> values;
  std::optional<ReferenceLine> reference;
};

struct Figure {
  std::string svg;
  int dropped = 0;  // values that could not be drawn
  int zeros = 0;    // of them, exact zeros on a log axis
};

Figure render(const LinePlot& plot);
Figure render(const Heatmap& map);
Figure render(const BarChart& chart);

// Text escaped for XML character data and attribute values.
std::string xml_escape(const std::string& text);

}  // namespace loopcert::report
