// Heatmaps: one rectangle per cell, coloured on a white-to-blue scale (linear or log10),
// grey for cells without data, the colour bar at the right, and an optional overlay line
// (the predicted boundary of a phase diagram) in cell units.
#include <cmath>
#include <limits>
#include <stdexcept>

#include "report/detail/svg_frame.hpp"
#include "report/svg.hpp"

namespace loopcert::report {

using namespace detail;

namespace {

// White (t = 0) to dark blue (t = 1).
std::string colour(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const int r = static_cast<int>(std::lround(247 - t * (247 - 8)));
  const int g = static_cast<int>(std::lround(251 - t * (251 - 48)));
  const int b = static_cast<int>(std::lround(255 - t * (255 - 107)));
  return fmt::format("rgb({},{},{})", r, g, b);
}

std::string colour_bar(double lo, double hi, bool log, const std::string& label) {
  const double x = kWidth - kRight + 20, top = kTop, height = kHeight - kTop - kBottom;
  std::string s;
  for (int i = 0; i < 20; ++i)
    s += fmt::format(R"svg(<rect x="{}" y="{:.1f}" width="16" height="{:.1f}" fill="{}"/>)svg", x, top + height * (19 - i) / 20.0,
                     height / 20.0 + 0.5, colour((i + 0.5) / 20));
  auto text = [&](double v) { return log ? fmt::format("1e{:.3g}", v) : fmt::format("{:.3g}", v); };
  s += fmt::format(R"svg(<text x="{}" y="{}">{}</text>)svg", x + 20, top + 10, text(hi));
  s += fmt::format(R"svg(<text x="{}" y="{}">{}</text>)svg", x + 20, top + height, text(lo));
  s += fmt::format(R"svg(<text transform="translate({} {}) rotate(-90)" text-anchor="middle">{}</text>)svg", x + 70, top + height / 2,
                   xml_escape(label));
  return s;
}

}  // namespace

Figure render(const Heatmap& map) {
  Figure f;
  const std::size_t rows = map.values.size(), cols = rows ? map.values[0].size() : 0;
  for (const auto& r : map.values)
    if (r.size() != cols) throw std::invalid_argument("heatmap '" + map.title + "': rows of different lengths");
  if (map.x_ticks.size() != cols || map.y_ticks.size() != rows)
    throw std::invalid_argument("heatmap '" + map.title + "': one tick label per column and per row expected");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& r : map.values)
    for (double v : r)
      if (drawable(v, map.log_color)) {
        const double w = map.log_color ? std::log10(v) : v;
        lo = std::min(lo, w);
        hi = std::max(hi, w);
      }
  if (map.lo) lo = map.log_color ? std::log10(*map.lo) : *map.lo;
  if (map.hi) hi = map.log_color ? std::log10(*map.hi) : *map.hi;
  if (!(hi > lo)) hi = lo + 1;
  const double x0 = kLeft, y0 = kTop, w = (kWidth - kRight - kLeft) / std::max<std::size_t>(cols, 1),
               h = (kHeight - kTop - kBottom) / std::max<std::size_t>(rows, 1);
  std::string body;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = map.values[r][c];
      std::string fill = "#bbb";
      if (drawable(v, map.log_color)) fill = colour(((map.log_color ? std::log10(v) : v) - lo) / (hi - lo));
      else ++f.dropped;
      // Row 0 is drawn at the bottom, so a y axis of increasing precision reads upwards.
      body += fmt::format(R"svg(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="{}"><title>{}, {}: {}</title></rect>)svg",
                          x0 + c * w, y0 + (rows - 1 - r) * h, w + 0.3, h + 0.3, fill, xml_escape(map.x_ticks[c]),
                          xml_escape(map.y_ticks[r]), fmt::format("{:.3g}", v));
    }
  const std::size_t x_step = std::max<std::size_t>(1, (cols + 9) / 10), y_step = std::max<std::size_t>(1, (rows + 11) / 12);
  // Labels wider than their column (about 7 px a character) alternate between two lines.
  std::size_t widest = 0;
  for (const auto& t : map.x_ticks) widest = std::max(widest, t.size());
  const bool stagger = static_cast<double>(widest) * 7 > w * static_cast<double>(x_step);
  for (std::size_t c = 0; c < cols; c += x_step)
    body += fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)svg", x0 + (c + 0.5) * w,
                        kHeight - kBottom + 16 + (stagger && (c / x_step) % 2 ? 14 : 0), xml_escape(map.x_ticks[c]));
  for (std::size_t r = 0; r < rows; r += y_step)
    body += fmt::format(R"svg(<text x="{}" y="{:.1f}" text-anchor="end">{}</text>)svg", x0 - 6, y0 + (rows - 1 - r + 0.5) * h + 4,
                        xml_escape(map.y_ticks[r]));
  if (map.overlay.size() >= 2) {
    std::string d;
    for (const auto& [c, r] : map.overlay) {
      if (!std::isfinite(c) || !std::isfinite(r)) continue;
      d += fmt::format("{}{:.2f},{:.2f} ", d.empty() ? "M" : "L", x0 + c * w, y0 + (rows - r) * h);
    }
    if (!d.empty()) {
      body += fmt::format(R"svg(<path d="{}" fill="none" stroke="#d62728" stroke-width="2"/>)svg", d);
      body += fmt::format(R"svg(<text x="{}" y="{}" fill="#d62728">{}</text>)svg", kLeft, kTop - 4, xml_escape(map.overlay_name));
    }
  }
  for (const auto& [r, c] : map.marked) {
    if (r >= rows || c >= cols) throw std::invalid_argument("heatmap '" + map.title + "': a marked cell outside the map");
    body += fmt::format(R"svg(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="none" stroke="#d62728" stroke-width="3"/>)svg",
                        x0 + c * w + 1.5, y0 + (rows - 1 - r) * h + 1.5, w - 3, h - 3);
  }
  if (!map.marked.empty())
    body += fmt::format(R"svg(<text x="{}" y="{}" fill="#d62728">{}</text>)svg", kLeft, kTop - 4, xml_escape(map.marked_name));
  body += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle">{}</text>)svg", (kLeft + kWidth - kRight) / 2, kHeight - (stagger ? 4 : 14),
                      xml_escape(map.x_label));
  body += fmt::format(R"svg(<text transform="translate(16 {}) rotate(-90)" text-anchor="middle">{}</text>)svg", (kTop + kHeight - kBottom) / 2,
                      xml_escape(map.y_label));
  body += colour_bar(lo, hi, map.log_color, map.value_label);
  f.svg = header(map.title) + body + "</svg>";
  return f;
}

}  // namespace loopcert::report
