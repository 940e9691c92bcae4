// index.html and report.md of `loopcert report`: the same tables and sections, the HTML
// with the figures inline (SVG, no scripts, no network), readable without JavaScript.
#include <fmt/format.h>

#include "report/error_report_figures.hpp"
#include "report/error_report_tables.hpp"
#include "report/markdown.hpp"

namespace loopcert::report {

namespace {

constexpr const char* kStyle =
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}.good{background:#e6f4e6}.bad{background:#fbe3e3}figure{margin:1em 0 2em}"
    "figcaption{font-size:13px;color:#444;max-width:640px}p.caption{font-size:13px;color:#444}";

std::string html_table(const ReportTable& t) {
  std::string s = fmt::format("<h2 id=\"{}\">{}</h2>\n", t.id, xml_escape(t.title));
  if (!t.caption.empty()) s += "<p class=\"caption\">" + xml_escape(t.caption) + "</p>\n";
  if (t.rows.empty()) return s + "<p>(none)</p>\n";
  s += "<table><tr>";
  for (const auto& h : t.header) s += "<th>" + xml_escape(h) + "</th>";
  s += "</tr>\n";
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    s += "<tr>";
    for (std::size_t j = 0; j < t.rows[i].size(); ++j) {
      const int tone = t.tone[i][j];
      s += std::string(tone > 0 ? "<td class=\"good\">" : tone < 0 ? "<td class=\"bad\">" : "<td>") + xml_escape(t.rows[i][j]) + "</td>";
    }
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

std::string html_figure(const ReportFigure& f) {
  return fmt::format("<figure id=\"{}\">{}<figcaption>{}</figcaption></figure>\n", xml_escape(f.id), f.figure.svg, xml_escape(f.caption));
}

std::string md_table(const ReportTable& t) {
  std::string s = "## " + t.title + "\n\n";
  if (!t.caption.empty()) s += t.caption + "\n\n";
  if (t.rows.empty()) return s + "(none)\n\n";
  MarkdownTable m{t.header, t.rows, {}};
  return s + m.str() + "\n";
}

std::string intro(const ErrorReport& r) {
  std::string scalars;
  for (const auto& s : r.scalars) scalars += (scalars.empty() ? "" : ", ") + s;
  return fmt::format("Generated {} by `loopcert report{}` in {:.0f} s. Programs: {}. Scalars: {}. The sigmoid lemma's "
                     "study of every target is `loopcert report sigmoid` (reports/sigmoid.md).",
                     r.generated, r.quick ? " --quick" : "", r.seconds, r.programs.size(), scalars);
}

}  // namespace

std::string to_html(const ErrorReport& r) {
  std::string s = fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loopcert error report</title>"
                              "<style>{}</style></head><body>\n<h1>loopcert error report</h1>\n<p>{}</p>\n",
                              kStyle, xml_escape(intro(r)));
  s += "<p>Sections: <a href=\"#verdict\">verdict</a> · <a href=\"#lemmas\">lemma table</a> · <a href=\"#drift\">drift</a> · "
       "<a href=\"#layers\">per-layer error</a> · <a href=\"#phase-diagram\">phase diagram</a> · <a href=\"#minimum\">minimum "
       "settings</a> · <a href=\"#formats\">formats</a> · <a href=\"#sigmoid\">sigmoid lemma</a> · <a href=\"#attention\">attention</a> · "
       "<a href=\"#paper\">disagreements with the paper</a></p>\n";
  s += html_table(verdict_table(r));
  if (!r.lemmas.empty()) {
    s += html_table(lemma_table(r));
    s += html_figure(lemma_figure(r));
  }
  s += "<h2 id=\"drift\">Drift against loop</h2>\n";
  for (const auto& p : r.programs) s += html_figure(drift_figure(p));
  s += html_table(layer_table(r.programs.front()));
  s += html_figure(layer_figure(r.programs.front()));
  if (r.phase) {
    s += "<h2 id=\"phase-diagram\">Phase diagram</h2>\n";
    s += html_figure(phase_figure(*r.phase));
  }
  s += html_table(minimum_settings_table(r));
  s += html_table(formats_table(r));
  if (r.sigmoid) {
    s += html_table(sigmoid_table(*r.sigmoid));
    for (const auto& f : sigmoid_figures(*r.sigmoid)) s += html_figure(f);
  }
  s += "<h2 id=\"attention\">Attention heatmaps</h2>\n";
  for (const auto& a : r.attention) s += html_figure(attention_figure(a));
  s += html_table(disagreement_table(r));
  return s + "</body></html>\n";
}

std::string to_markdown(const ErrorReport& r) {
  std::string s = "# loopcert error report\n\n" + intro(r) + "\n\nThe figures are in index.html; their data in drift.csv, "
                  "phase.csv and data.json.\n\n";
  s += md_table(verdict_table(r));
  if (!r.lemmas.empty()) s += md_table(lemma_table(r));
  s += md_table(layer_table(r.programs.front()));
  s += md_table(minimum_settings_table(r));
  s += md_table(formats_table(r));
  if (r.sigmoid) s += md_table(sigmoid_table(*r.sigmoid));
  s += md_table(disagreement_table(r));
  return s;
}

}  // namespace loopcert::report
