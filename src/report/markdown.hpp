// Markdown tables, written one way for every report and README fragment: a header row,
// the alignment row, then the cells, each escaped for '|'.
#pragma once
#include <string>
#include <vector>

namespace loopcert::report {

struct MarkdownTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_aligned;  // per column (numbers); empty: all left

  void add(std::vector<std::string> row) { rows.push_back(std::move(row)); }
  std::string str() const;
};

// The text between `<!-- BEGIN name -->` and `<!-- END name -->` in `document` replaced
// by `body` (the markers kept). Throws std::invalid_argument when a marker is missing.
std::string replace_between_markers(const std::string& document, const std::string& name, const std::string& body);

// The text between the markers (without them); throws when a marker is missing.
std::string between_markers(const std::string& document, const std::string& name);

}  // namespace loopcert::report
