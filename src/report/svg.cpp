#include "report/svg.hpp"

#include "report/detail/svg_frame.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loopcert::report {

using namespace detail;


std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

Figure render(const LinePlot& plot) {
  Figure f;
  std::vector<double> xs, ys;
  for (const auto& s : plot.series) {
    if (s.x.size() != s.y.size()) throw std::invalid_argument("series '" + s.name + "': x and y differ in length");
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  for (const auto& r : plot.references) ys.push_back(r.y);
  double floor_value = NAN;  // where exact zeros are drawn (zeros_on_floor)
  if (plot.log_y && plot.zeros_on_floor && std::count(ys.begin(), ys.end(), 0.0) > 0) {
    double smallest = INFINITY;
    for (double v : ys)
      if (drawable(v, true)) smallest = std::min(smallest, v);
    floor_value = std::pow(10.0, std::floor(std::log10(std::isfinite(smallest) ? smallest : 1.0)) - 1);
    ys.push_back(floor_value);
  }
  const Axis x = make_axis(xs, false, kLeft, kWidth - kRight);
  Axis y = make_axis(ys, plot.log_y, kHeight - kBottom, kTop);
  if (std::isfinite(floor_value)) y.zero_at = std::log10(floor_value);
  std::string body = axes(x, y, plot.x_label, plot.y_label);
  int index = 0;
  for (const auto& s : plot.series) {
    const std::string colour = s.colour.empty() ? kPalette[index % 8] : s.colour;
    std::string d;
    std::vector<std::pair<double, double>> run;  // the drawable points since the last gap
    // A point between two gaps would be an invisible one-point path: it gets a marker.
    auto end_run = [&] {
      if (run.size() == 1 && !s.points)
        body += fmt::format(R"svg(<circle cx="{:.2f}" cy="{:.2f}" r="3" fill="{}"/>)svg", run[0].first, run[0].second, colour);
      run.clear();
    };
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const double yv = s.y[i] == 0 && std::isfinite(floor_value) ? floor_value : s.y[i];
      if (!drawable(s.x[i], false) || !drawable(yv, plot.log_y)) {
        ++f.dropped;
        if (s.y[i] == 0) ++f.zeros;
        end_run();
        continue;
      }
      const double px = x.pixel(s.x[i]), py = y.pixel(yv);
      if (s.points)
        body += fmt::format(R"svg(<circle cx="{:.2f}" cy="{:.2f}" r="3" fill="{}"/>)svg", px, py, colour);
      else
        d += fmt::format("{}{:.2f},{:.2f} ", run.empty() ? "M" : "L", px, py);
      run.emplace_back(px, py);
    }
    end_run();
    if (!d.empty()) body += fmt::format(R"svg(<path d="{}" fill="none" stroke="{}" stroke-width="1.5"/>)svg", d, colour);
    body += legend_entry(index++, s.name, colour, false);
  }
  for (const auto& r : plot.references) {
    if (!drawable(r.y, plot.log_y)) {
      ++f.dropped;
      continue;
    }
    const double py = y.pixel(r.y);
    const std::string colour = r.series >= 0 ? kPalette[r.series % 8] : "#555";
    body += fmt::format(R"svg(<path d="M{},{:.2f} L{},{:.2f}" stroke="{}" stroke-dasharray="5,3"/>)svg", kLeft, py, kWidth - kRight, py, colour);
    body += legend_entry(index++, r.name, colour, true);
  }
  f.svg = header(plot.title) + body + dropped_note(f.dropped, f.zeros) + "</svg>";
  return f;
}

}  // namespace loopcert::report
