#include "report/error_report_figures.hpp"

#include <cctype>

#include <fmt/format.h>

namespace loopcert::report {

ReportFigure drift_figure(const ProgramReport& p) {
  LinePlot plot{"Drift against loop: " + p.name, "loop (one pass of the looped transformer)", "drift: max |X - enc(state)| (log scale)", true, true, {}, {}};
  for (const auto& v : p.scalars) {
    Series s{v.scalar, {}, {}, false};
    for (std::size_t k = 0; k < v.drift.size(); ++k) {
      s.x.push_back(static_cast<double>(k + 1));
      s.y.push_back(v.drift[k]);
    }
    plot.series.push_back(std::move(s));
  }
  plot.references.push_back({"tolerance 0.25", 0.25});
  return {"drift-" + p.name, plot.title,
          "After every loop, the largest distance of a state entry (memory bits, pc bits) from its ideal +-1, per scalar, on "
          "a log scale (dimensionless: the entries are +-1). A run decodes correctly while its curve stays below the tolerance "
          "line; a curve that ends early diverged there (the verdict table says where), a lone dot is a run that diverged in "
          "its first loop. A drift of exactly 0 (a loop that rounded to the exact state) is drawn on the bottom tick, labelled 0.",
          render(plot)};
}

ReportFigure layer_figure(const ProgramReport& p) {
  BarChart chart{"Per-layer error at double: " + p.name, "largest error over the run", true, {}, {}, ReferenceLine{"tolerance 0.25", 0.25}};
  for (const auto& b : p.layer_peaks) {
    chart.labels.push_back(b.layer);
    chart.values.push_back(b.error);
  }
  return {"layers-" + p.name, chart.title,
          "Each layer's largest error against the ideal (hardmax) punchcard over the rows it writes; a 0 is marked, "
          "not drawn (log scale).",
          render(chart)};
}

ReportFigure phase_figure(const PhaseDiagram& d) {
  Heatmap h;
  h.title = "Phase diagram: " + d.program + " (MPFR precision x lambda)";
  h.x_label = "softmax temperature lambda";
  h.y_label = "MPFR precision (bits)";
  h.value_label = "1 = agrees with the machine, 0 = diverges";
  for (double l : d.lambdas) h.x_ticks.push_back(fmt::format("{:g}", l));
  for (long b : d.bits) h.y_ticks.push_back(std::to_string(b));
  for (const auto& row : d.agree) h.values.emplace_back(row.begin(), row.end());
  h.lo = 0;
  h.hi = 1;
  // The predicted boundary: at each lambda, the smallest precision the bounds certify.
  for (std::size_t j = 0; j < d.lambdas.size(); ++j) {
    const int p = d.predicted_bits[j];
    if (p < 0 || d.bits.empty() || p > d.bits.back()) continue;
    const double row = static_cast<double>(std::max<long>(p, d.bits.front()) - d.bits.front());
    h.overlay.push_back({static_cast<double>(j), row});
    h.overlay.push_back({static_cast<double>(j + 1), row});
  }
  h.overlay_name = "predicted: the bounds certify every cell above the red line";
  return {"phase", h.title,
          "Each cell is one run of search grid: dark where the transformer agrees with the machine at every loop, white "
          "where it diverges. The red line is the bounds' prediction: the smallest precision they certify at each lambda.",
          render(h)};
}

namespace {

// "columns 0-2: scratch; 3-10: mem; ..." from the layout's column names ("mem 3 (column 6)"):
// the heatmap's ticks are column numbers, which fit; the roles go into the caption.
std::string column_roles(const std::vector<std::string>& names) {
  std::string out;
  std::size_t start = 0;
  auto role = [&](std::size_t j) { return names[j].substr(0, names[j].find(' ')); };
  for (std::size_t j = 1; j <= names.size(); ++j)
    if (j == names.size() || role(j) != role(start)) {
      out += fmt::format("{}{}{}: {}", out.empty() ? "" : "; ", start, j - 1 > start ? fmt::format("-{}", j - 1) : "", role(start));
      start = j;
    }
  return out;
}

}  // namespace

ReportFigure attention_figure(const AttentionMap& a) {
  Heatmap h;
  h.title = fmt::format("Attention of head {} (layer {}), loop {}: {}", a.head, a.layer, a.loop, a.program);
  h.x_label = "query column (the column that reads)";
  h.y_label = "key column (the column read)";
  h.value_label = "softmax weight";
  const std::size_t n = a.columns.size();
  for (std::size_t j = 0; j < n; ++j) h.x_ticks.push_back(std::to_string(j));
  h.y_ticks = h.x_ticks;
  h.values.assign(n, std::vector<double>(n));
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t j = 0; j < n; ++j) h.values[j][t] = a.weights[t][j];
  h.lo = 0;
  h.hi = 1;
  return {"attention-" + a.head, h.title,
          "The softmax weight each query column (x) gives each key column (y) in this head, in the first loop, at double, at the "
          "default lambda; each column of the map sums to 1. Columns " + column_roles(a.columns) +
              ". A column whose query carries no pointer scores every key alike and spreads its weight evenly (1/" +
              std::to_string(n) + ", the pale columns); a dark cell is a head reading one column, as the paper's construction intends.",
          render(h)};
}

std::vector<ReportFigure> all_figures(const ErrorReport& r) {
  std::vector<ReportFigure> out;
  if (!r.lemmas.empty()) out.push_back(lemma_figure(r));
  for (const auto& p : r.programs) out.push_back(drift_figure(p));
  if (!r.programs.empty()) out.push_back(layer_figure(r.programs.front()));
  if (r.phase) out.push_back(phase_figure(*r.phase));
  if (r.sigmoid)
    for (auto& f : sigmoid_figures(*r.sigmoid)) out.push_back(std::move(f));
  for (const auto& a : r.attention) out.push_back(attention_figure(a));
  return out;
}

std::string figure_file(const ReportFigure& f) {
  std::string name = f.id;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '-';
  return name + ".svg";
}

}  // namespace loopcert::report
