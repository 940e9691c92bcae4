// `loopcert search grid --shard I/K`: the grid's cells of every K-th precision row
// (starting at the I-th row of LO..HI) as JSON lines, one cell per line with the fields
// of `search grid --json`'s cells. The shards of one grid concatenated (in any order) are
// the grid: `cat shards/*.jsonl`. Each row is its own search_grid run, so a row's cells
// are exactly those of the unsharded grid.
#pragma once
#include <iosfwd>
#include <string>

#include "analysis/search.hpp"
#include "report/error_report_tasks.hpp"

namespace loopcert::report {

void write_grid_shard(std::ostream& out, const compile::LoopTarget& target, const Shard& shard, long lo, long hi, const Rational& a,
                      const Rational& b, const Rational& step, const analysis::SearchCommon& common, const std::string& program);

}  // namespace loopcert::report
