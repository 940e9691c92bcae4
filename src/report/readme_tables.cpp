#include "report/readme_tables.hpp"

#include <sstream>

#include <fmt/format.h>

#include "analysis/search.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/official_csv.hpp"
#include "report/markdown.hpp"

namespace loopcert::report {

namespace {

isa::SubleqProgram load(const ReportProgram& p) {
  if (!p.path.empty()) return isa::load_sq(p.path);
  return isa::load_official_csv(p.cmds, p.mem, isa::parse_layout(p.layout));
}

std::string shown(double x) { return fmt::format("{:g}", x); }

std::string ratio(double a, std::optional<double> b) { return b && *b > 0 ? fmt::format("{:.2f}", a / *b) : "-"; }

}  // namespace

std::vector<ReadmeRow> readme_rows(const std::vector<ReportProgram>& programs, bool measure, int jobs) {
  std::vector<ReadmeRow> rows;
  const Rational resolution(1, 20);
  for (const auto& p : programs) {
    const isa::SubleqProgram program = load(p);
    const compile::LoopTarget target = compile::subleq_target(program, blocks::BlockParams{});
    ReadmeRow r;
    r.program = p.name;
    r.columns = target.compiled->layout.columns();
    r.bits = program.bits;
    r.default_lambda = to_double(target.predict.default_lambda);
    r.predicted_lambda = analysis::predicted_lambda_exact(target.predict, resolution);
    r.predicted_bits = target.predict.bits(target.predict.default_lambda);
    if (measure) {
      analysis::SearchCommon common;
      common.jobs = jobs;
      const auto l = analysis::search_lambda(target, parse_scalar("double"), resolution, Rational(100000), common);
      if (l.lambda_min) r.lambda_min = to_double(*l.lambda_min);
      if (l.lambda_max) r.lambda_max = to_double(*l.lambda_max);
      const auto s = analysis::search_precision(target, target.predict.default_lambda, 2, 64, common);
      r.bits_min = s.bits_min;
      r.non_monotone = s.non_monotone;
      r.measured = true;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string lambda_table(const std::vector<ReadmeRow>& rows) {
  MarkdownTable t{{"program", "n", "N", "measured lambda_min", "upper end", "bounds (loop_is_exact)", "bounds / measured", "default"}, {}, {}};
  for (const auto& r : rows) {
    const std::string min = !r.measured ? "-" : r.lambda_min ? shown(*r.lambda_min) : "none";
    const std::string max = !r.measured ? "-" : r.lambda_max ? shown(*r.lambda_max) : "none up to 1e5";
    t.add({r.program, std::to_string(r.columns), std::to_string(r.bits), min, max, shown(r.predicted_lambda),
           ratio(r.predicted_lambda, r.lambda_min), shown(r.default_lambda)});
  }
  return t.str();
}

std::string precision_table(const std::vector<ReadmeRow>& rows) {
  MarkdownTable t{{"program", "N", "lambda", "measured bits_min", "agree below the minimum (non-monotone)", "predicted", "predicted / measured"}, {}, {}};
  for (const auto& r : rows) {
    std::string below = r.measured ? "-" : "";
    for (std::size_t i = 0; i < r.non_monotone.size(); ++i) below = (i ? below + ", " : "") + std::to_string(r.non_monotone[i]);
    if (!r.measured) below = "-";
    const std::string min = !r.measured ? "-" : r.bits_min ? std::to_string(*r.bits_min) : "none";
    const std::optional<double> measured = r.bits_min ? std::optional<double>(static_cast<double>(*r.bits_min)) : std::nullopt;
    t.add({r.program, std::to_string(r.bits), shown(r.default_lambda), min, below,
           r.predicted_bits > 0 ? std::to_string(r.predicted_bits) : "none", ratio(r.predicted_bits, measured)});
  }
  return t.str();
}

std::vector<std::vector<std::string>> deterministic_cells(const std::string& table, bool lambda) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(table);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0 || ++n <= 2) continue;  // the header and the alignment row
    std::vector<std::string> cells;
    std::size_t at = 1;
    while (at < line.size()) {
      const auto bar = line.find('|', at);
      if (bar == std::string::npos) break;
      std::string c = line.substr(at, bar - at);
      c.erase(0, c.find_first_not_of(' '));
      c.erase(c.find_last_not_of(' ') + 1);
      cells.push_back(c);
      at = bar + 1;
    }
    if (lambda && cells.size() == 8) out.push_back({cells[0], cells[1], cells[2], cells[5], cells[7]});
    if (!lambda && cells.size() == 7) out.push_back({cells[0], cells[1], cells[2], cells[5]});
  }
  return out;
}

}  // namespace loopcert::report
