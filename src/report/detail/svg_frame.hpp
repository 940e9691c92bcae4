// The frame every SVG figure shares: size and margins, axes (linear or log10), ticks,
// title, legend entries and the note on values that could not be drawn. Private to
// report/ (svg.cpp, svg_heatmap.cpp, svg_bars.cpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "report/svg.hpp"

namespace loopcert::report::detail {


inline constexpr double kWidth = 780, kHeight = 400;
inline constexpr double kLeft = 78, kRight = 230, kTop = 36, kBottom = 54;  // margins: axis labels, legend
inline constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

// A linear or log10 axis mapping data to pixels.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  double from = 0, to = 1;  // pixel range
  double zero_at = NAN;     // log axis: the decade (log10) where exact zeros are drawn, its tick reads "0"
  double value(double v) const { return log ? std::log10(v) : v; }
  double pixel(double v) const { return from + (value(v) - lo) / (hi - lo) * (to - from); }
};

inline bool drawable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// The data range of an axis, widened when empty, rounded out to decades on a log axis.
inline Axis make_axis(std::vector<double> values, bool log, double from, double to) {
  Axis a;
  a.log = log;
  a.from = from;
  a.to = to;
  values.erase(std::remove_if(values.begin(), values.end(), [&](double v) { return !drawable(v, log); }), values.end());
  if (values.empty()) values = {log ? 1.0 : 0.0};
  const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
  a.lo = a.value(*mn);
  a.hi = a.value(*mx);
  if (log) {
    a.lo = std::floor(a.lo);
    a.hi = std::ceil(a.hi);
  }
  if (a.hi - a.lo < 1e-300) {
    a.lo -= log ? 1 : std::max(1.0, std::abs(a.lo) * 0.1);
    a.hi += log ? 1 : std::max(1.0, std::abs(a.hi) * 0.1);
  }
  return a;
}

inline std::string tick_text(double v, bool log) {
  if (log) return fmt::format("1e{}", static_cast<int>(std::lround(v)));
  return fmt::format("{:.4g}", v);
}

// Ticks: every decade on a log axis (thinned to at most 8); on a linear one the multiples
// of 1, 2 or 5 times a power of ten in range, at most 7 of them (so a loop axis reads
// 10, 20, 30 rather than 14.8, 28.6).
inline std::vector<double> ticks(const Axis& a) {
  std::vector<double> out;
  if (a.log) {
    const int span = static_cast<int>(std::lround(a.hi - a.lo));
    const int step = std::max(1, (span + 7) / 8);
    for (int e = static_cast<int>(std::lround(a.lo)); e <= std::lround(a.hi); e += step) out.push_back(e);
    return out;
  }
  const double span = a.hi - a.lo, decade = std::pow(10.0, std::floor(std::log10(span / 6)));
  double step = decade;
  for (const double m : {1.0, 2.0, 5.0, 10.0})
    if (span / (m * decade) <= 6) {
      step = m * decade;
      break;
    }
  for (double t = std::ceil(a.lo / step - 1e-9) * step; t <= a.hi + step * 1e-9; t += step) out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

inline std::string header(const std::string& title) {
  return fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" )svg"
                     R"svg(font-family="sans-serif" font-size="12" role="img"><title>{}</title>)svg"
                     R"svg(<rect width="100%" height="100%" fill="white"/>)svg"
                     R"svg(<text x="{}" y="20" font-size="14" font-weight="bold">{}</text>)svg",
                     kWidth, kHeight, kWidth, kHeight, xml_escape(title), kLeft, xml_escape(title));
}

inline std::string axes(const Axis& x, const Axis& y, const std::string& x_label, const std::string& y_label, bool x_ticks = true) {
  std::string s = fmt::format(R"svg(<g stroke="black" fill="none"><line x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>)svg"
                              R"svg(<line x1="{0}" y1="{1}" x2="{0}" y2="{3}"/></g>)svg",
                              kLeft, kHeight - kBottom, kWidth - kRight, kTop);
  for (double t : ticks(y)) {
    const double py = y.from + (t - y.lo) / (y.hi - y.lo) * (y.to - y.from);
    s += fmt::format(R"svg(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#ddd"/>)svg", kLeft, py, kWidth - kRight, py);
    s += fmt::format(R"svg(<text x="{}" y="{:.1f}" text-anchor="end">{}</text>)svg", kLeft - 6, py + 4, t == y.zero_at ? "0" : tick_text(t, y.log));
  }
  if (x_ticks)
    for (double t : ticks(x)) {
      const double px = x.from + (t - x.lo) / (x.hi - x.lo) * (x.to - x.from);
      s += fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)svg", px, kHeight - kBottom + 16, tick_text(t, x.log));
    }
  s += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle">{}</text>)svg", (kLeft + kWidth - kRight) / 2, kHeight - 14,
                   xml_escape(x_label));
  s += fmt::format(R"svg(<text transform="translate(16 {}) rotate(-90)" text-anchor="middle">{}</text>)svg", (kTop + kHeight - kBottom) / 2,
                   xml_escape(y_label));
  return s;
}

inline std::string legend_entry(int index, const std::string& name, const std::string& colour, bool dashed) {
  const double y = kTop + 10 + 18 * index, x = kWidth - kRight + 12;
  return fmt::format(R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>)svg"
                     R"svg(<text x="{}" y="{}">{}</text>)svg",
                     x, y, x + 20, y, colour, dashed ? R"svg( stroke-dasharray="5,3")svg" : "", x + 26, y + 4, xml_escape(name));
}

// `zeros` of the `dropped` values are exact zeros on a log axis (a run with no error at
// all), the rest are not finite: the note says which, so neither is mistaken for the other.
inline std::string dropped_note(int dropped, int zeros = 0) {
  if (dropped == 0) return "";
  std::string text;
  if (zeros > 0) text = fmt::format("{} value(s) exactly 0, not drawn on the log axis", zeros);
  if (dropped > zeros) text += fmt::format("{}{} value(s) not finite, not drawn", text.empty() ? "" : "; ", dropped - zeros);
  return fmt::format(R"svg(<text x="{}" y="{}" fill="#a00">{}</text>)svg", kLeft, kTop - 4, text);
}


}  // namespace loopcert::report::detail
