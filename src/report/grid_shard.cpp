#include "report/grid_shard.hpp"

#include <ostream>

#include "report/search_report.hpp"

namespace loopcert::report {

void write_grid_shard(std::ostream& out, const compile::LoopTarget& target, const Shard& shard, long lo, long hi, const Rational& a,
                      const Rational& b, const Rational& step, const analysis::SearchCommon& common, const std::string& program) {
  for (long bits = lo + (shard.index - 1); bits <= hi; bits += shard.count) {
    const analysis::GridSearch row = analysis::search_grid(target, bits, bits, a, b, step, common);
    const nlohmann::json j = grid_json(row, SearchContext{program, ""});  // kept: the loop below reads into it
    for (const auto& cell : j["cells"]) out << cell.dump() << "\n";
    out.flush();  // row by row, so a long shard shows its progress
  }
}

}  // namespace loopcert::report
