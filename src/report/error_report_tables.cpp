#include "report/error_report_tables.hpp"

#include <fmt/format.h>

namespace loopcert::report {

namespace {

std::string verdict_cell(const ScalarVerdict& v) {
  std::string s = v.agree ? "agrees" : "diverges";
  if (!v.agree) {
    const auto colon = v.divergence.find(':');
    s += " at " + (colon == std::string::npos ? v.divergence : v.divergence.substr(0, colon));
  }
  s += v.certified ? "; certified" : (v.certified_exact ? "; not certified at this scalar" : "; not certified");
  if (!v.certified && v.needs_bits > 0) s += fmt::format(" (needs {} bits)", v.needs_bits);
  return s;
}

}  // namespace

ReportTable verdict_table(const ErrorReport& r) {
  ReportTable t{"verdict", "Verdict", "", {"program"}, {}, {}};
  t.caption =
      "Each program runs at the default lambda in lockstep with the exact machine. The cell says whether the decoded "
      "state agrees with the machine at every loop (measured), and whether the bounds certify this scalar. Certified "
      "means the loop theorem with this scalar's rounding model holds (proofs/subleq_loop.md, proofs/precision.md). "
      "The model assumes correctly rounded + - * / and an exp within the ulps that proofs/read.md measures for this "
      "engine; for exact arithmetic it is a proof outright.";
  for (const auto& s : r.scalars) t.header.push_back(s);
  for (const auto& p : r.programs) {
    std::vector<std::string> row{p.name};
    std::vector<int> tone{0};
    for (const auto& v : p.scalars) {
      row.push_back(verdict_cell(v));
      tone.push_back(v.agree ? 1 : -1);
    }
    t.rows.push_back(row);
    t.tone.push_back(tone);
  }
  return t;
}

ReportTable minimum_settings_table(const ErrorReport& r) {
  ReportTable t{"minimum", "Minimum settings", "", {"program", "n (columns)", "N (bits)", "steps", "default lambda", "lambda min (double)", "lambda predicted", "predicted / measured", "bits min (MPFR)", "bits predicted", "predicted - measured", "bits predicted / measured"}, {}, {}};
  t.caption =
      "The smallest softmax temperature at double (on a grid of 1/4) and the smallest MPFR precision at the default "
      "lambda that run in agreement, next to the bounds' predictions. A prediction is sufficient by construction; "
      "the ratios say how loose it is (for the precision, the difference in bits is the cost of the bound).";
  for (const auto& p : r.programs) {
    const std::string ratio = p.lambda_min ? fmt_number(p.lambda_predicted / *p.lambda_min) : "-";
    const bool both_bits = p.bits_min && p.bits_predicted > 0;
    const std::string diff = both_bits ? fmt_number(static_cast<double>(p.bits_predicted - *p.bits_min)) : "-";
    const std::string bits_ratio = both_bits ? fmt_number(static_cast<double>(p.bits_predicted) / static_cast<double>(*p.bits_min)) : "-";
    t.rows.push_back({p.name, fmt_number(p.columns), fmt_number(p.bits), fmt_number(static_cast<double>(p.steps)), fmt_number(p.default_lambda),
                      p.lambda_min ? fmt_number(*p.lambda_min) : "none", fmt_number(p.lambda_predicted), ratio,
                      p.bits_min ? fmt_number(static_cast<double>(*p.bits_min)) : "none",
                      p.bits_predicted > 0 ? fmt_number(p.bits_predicted) : "none", diff, bits_ratio});
    t.tone.push_back(std::vector<int>(t.header.size(), 0));
  }
  return t;
}

ReportTable formats_table(const ErrorReport& r) {
  ReportTable t{"formats", "Formats: where each breaks first, and why", "", {"program", "scalar", "loops", "first divergence"}, {}, {}};
  t.caption = "Every run of the verdict table that did not agree, with the first field that differed and the layer where "
              "the error first exceeded the decode tolerance.";
  for (const auto& p : r.programs)
    for (const auto& v : p.scalars)
      if (!v.agree) {
        t.rows.push_back({p.name, v.scalar, fmt_number(static_cast<double>(v.loops)), v.divergence});
        t.tone.push_back({0, 0, 0, -1});
      }
  return t;
}

ReportTable layer_table(const ProgramReport& p) {
  ReportTable t{"layers", "Per-layer error: " + p.name + " at double", "", {"layer", "largest error", "loop", "row"}, {}, {}};
  t.caption = "Each layer's largest error over the run, against the ideal punchcard (the same weights with hardmax "
              "attention, exact in double), over the rows the layer writes.";
  for (const auto& b : p.layer_peaks) {
    t.rows.push_back({b.layer, fmt_number(b.error), fmt_number(static_cast<double>(b.loop)), b.row});
    t.tone.push_back({0, 0, 0, 0});
  }
  return t;
}

ReportTable disagreement_table(const ErrorReport& r) {
  ReportTable t{"paper", "Where loopcert disagrees with the paper", "", {"topic", "paper", "loopcert", "evidence"}, {}, {}};
  for (const auto& d : r.disagreements) {
    t.rows.push_back({d.topic, d.paper, d.loopcert, d.evidence});
    t.tone.push_back({0, 0, 0, 0});
  }
  return t;
}

}  // namespace loopcert::report
