// Bar charts (per-layer errors of one loop): one bar per label on a linear or log10 y
// axis, with an optional reference line (the tolerance). Bars that cannot be drawn (a
// zero on a log axis, a non-finite value) are counted and labelled, not hidden.
#include <stdexcept>

#include "report/detail/svg_frame.hpp"
#include "report/svg.hpp"

namespace loopcert::report {

using namespace detail;

Figure render(const BarChart& chart) {
  if (chart.labels.size() != chart.values.size()) throw std::invalid_argument("bar chart '" + chart.title + "': one value per label");
  Figure f;
  std::vector<double> ys = chart.values;
  if (chart.reference) ys.push_back(chart.reference->y);
  const Axis y = make_axis(ys, chart.log_y, kHeight - kBottom, kTop);
  const Axis x{0, static_cast<double>(std::max<std::size_t>(chart.labels.size(), 1)), false, kLeft, kWidth - kRight};
  std::string body = axes(x, y, "", chart.y_label, false);
  const double w = (kWidth - kRight - kLeft) / std::max<std::size_t>(chart.labels.size(), 1);
  const double base = chart.log_y ? kHeight - kBottom : y.pixel(std::clamp(0.0, chart.log_y ? 1.0 : y.lo, y.hi));
  for (std::size_t i = 0; i < chart.labels.size(); ++i) {
    const double cx = kLeft + (i + 0.5) * w;
    body += fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)svg", cx, kHeight - kBottom + 16, xml_escape(chart.labels[i]));
    const double v = chart.values[i];
    if (!drawable(v, chart.log_y)) {
      ++f.dropped;
      if (v == 0) ++f.zeros;
      body += fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle" fill="#a00">{}</text>)svg", cx, kHeight - kBottom - 6,
                          std::isfinite(v) ? "0" : "inf");
      continue;
    }
    const double top = y.pixel(v);
    body += fmt::format(R"svg(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="#1f77b4"><title>{}: {:.3g}</title></rect>)svg",
                        cx - w * 0.35, std::min(top, base), w * 0.7, std::abs(base - top), xml_escape(chart.labels[i]), v);
  }
  if (chart.reference && drawable(chart.reference->y, chart.log_y)) {
    const double py = y.pixel(chart.reference->y);
    body += fmt::format(R"svg(<path d="M{},{:.2f} L{},{:.2f}" stroke="#555" stroke-dasharray="5,3"/>)svg", kLeft, py, kWidth - kRight, py);
    body += legend_entry(0, chart.reference->name, "#555", true);
  }
  f.svg = header(chart.title) + body + dropped_note(f.dropped, f.zeros) + "</svg>";
  return f;
}

}  // namespace loopcert::report
