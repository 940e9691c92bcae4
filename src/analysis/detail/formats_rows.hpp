// The one shape of the `verify formats` studies (analysis/formats_study.cpp for .sq,
// analysis/formats_study_fleq.cpp for .fq): a row per (program, format) pair,
// program-major with the formats in the given order, each filled by its machine's
// study_one, `threads` pairs at a time; and the study's summary over the certified
// formats.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/parallel_for.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::analysis::detail {

// Row has `program` and `format` (names); fill(row, program, format) studies one pair.
template <class Row, class Program, class Fill>
std::vector<Row> study_pairs(const std::vector<Program>& programs, const std::vector<ScalarSpec>& formats, int threads, Fill&& fill) {
  std::vector<Row> rows;
  for (const auto& p : programs)
    for (const auto& s : formats) {
      Row row;
      row.program = p.source;
      row.format = s.name();
      rows.push_back(std::move(row));
    }
  parallel_for(rows.size(), threads, [&](std::size_t i) { fill(rows[i], programs[i / formats.size()], formats[i % formats.size()]); });
  return rows;
}

// The formats whose runs the bounds certify (double, long-double, float128) agree in every
// row that has them.
template <class Row>
bool certified_formats_agree(const std::vector<Row>& rows) {
  for (const auto& r : rows)
    if ((r.format == "double" || r.format == "long-double" || r.format == "float128") && !(r.run && r.run->agree)) return false;
  return true;
}

}  // namespace loopcert::analysis::detail
