#include "report/svg.hpp"

#include "report/detail/svg_frame.hpp"

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
  const Axis x = make_axis(xs, false, kLeft, kWidth - kRight);
  const Axis y = make_axis(ys, plot.log_y, kHeight - kBottom, kTop);
  std::string body = axes(x, y, plot.x_label, plot.y_label);
  int index = 0;
  for (const auto& s : plot.series) {
    const std::string colour = kPalette[index % 8];
    std::string d;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!drawable(s.x[i], false) || !drawable(s.y[i], plot.log_y)) {
        ++f.dropped;
        continue;
      }
      const double px = x.pixel(s.x[i]), py = y.pixel(s.y[i]);
      if (s.points)
        body += fmt::format(R"svg(<circle cx="{:.2f}" cy="{:.2f}" r="3" fill="{}"/>)svg", px, py, colour);
      else
        d += fmt::format("{}{:.2f},{:.2f} ", d.empty() ? "M" : "L", px, py);
    }
    if (!d.empty()) body += fmt::format(R"svg(<path d="{}" fill="none" stroke="{}" stroke-width="1.5"/>)svg", d, colour);
    body += legend_entry(index++, s.name, colour, false);
  }
  for (const auto& r : plot.references) {
    if (!drawable(r.y, plot.log_y)) {
      ++f.dropped;
      continue;
    }
    const double py = y.pixel(r.y);
    body += fmt::format(R"svg(<path d="M{},{:.2f} L{},{:.2f}" stroke="#555" stroke-dasharray="5,3"/>)svg", kLeft, py, kWidth - kRight, py);
    body += legend_entry(index++, r.name, "#555", true);
  }
  f.svg = header(plot.title) + body + dropped_note(f.dropped) + "</svg>";
  return f;
}

}  // namespace loopcert::report
