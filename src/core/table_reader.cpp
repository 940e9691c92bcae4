// The table reader (core/table_reader.hpp).
#include "core/table_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "core/input_error.hpp"
#include "core/input_file.hpp"

namespace loopcert {

namespace {

constexpr const char* kTableExpected = "a table file of x y points";

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

struct TableField {
  std::string text;
  int col;  // 1-based
};

bool is_table_separator(char ch) { return ch == ',' || ch == ';' || std::isspace(static_cast<unsigned char>(ch)); }

// The fields of one line: runs of characters between blanks, ',' and ';' (a '#' comment
// already removed), so "x y", "x,y", "x; y" and "x\ty" read alike.
std::vector<TableField> table_fields(const std::string& line) {
  std::vector<TableField> fields;
  for (std::size_t i = 0; i < line.size();) {
    if (is_table_separator(line[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && !is_table_separator(line[end])) ++end;
    fields.push_back({line.substr(i, end - i), static_cast<int>(i) + 1});
    i = end;
  }
  return fields;
}

std::invalid_argument table_error(const std::string& source, int line, int col, const std::string& message) {
  std::string where = source + ":" + std::to_string(line);
  if (col > 0) where += ":" + std::to_string(col);
  return std::invalid_argument(where + ": " + message);
}

// The field as C's strtod reads it, when it reads all of it: it also takes spellings
// parse_rational refuses (nan, inf, 0x1p3).
std::optional<double> c_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool looks_numeric(const std::string& text) {
  std::string why;
  return try_parse_rational(text, why) || c_number(text);
}

// Only the first line may be a header, and only if it names the columns: no field of it
// is a number (in any spelling), so a first line "0 nan" is data with a bad value.
bool is_header(const std::vector<TableField>& fields) {
  return std::none_of(fields.begin(), fields.end(), [](const TableField& f) { return looks_numeric(f.text); });
}

// One coordinate ("x" or "y") of a point: exact, and representable as a double. The
// evaluation works in double and long double, where a value that rounds to inf or to
// 0 would change the function silently (inf makes every bound vacuous).
Rational table_value(const TableField& field, const char* name, const std::string& source, int line) {
  const std::string quoted = std::string(name) + " value '" + excerpt(field.text) + "'";
  std::string why;
  const std::optional<Rational> value = try_parse_rational(field.text, why);
  if (!value) {
    if (const auto c = c_number(field.text); c && !std::isfinite(*c))
      why = "is not a finite number (expected e.g. 3, -0.25, 1e-3 or 7/2)";
    throw table_error(source, line, field.col, quoted + " " + why);
  }
  const double rounded = to_double(*value);
  if (!std::isfinite(rounded))
    throw table_error(source, line, field.col,
                      quoted + " is too large for a double: it rounds to " + (rounded < 0 ? "-inf" : "inf") +
                          " (expected a magnitude below about 1.8e308)");
  if (rounded == 0 && *value != 0)
    throw table_error(source, line, field.col,
                      quoted + " is too small for a double: it rounds to 0 (expected 0 itself or a magnitude of about "
                               "4.9e-324 or more)");
  return *value;
}

}  // namespace

std::vector<TablePoint> parse_table(const std::string& text, const std::string& source) {
  std::vector<TablePoint> knots;
  std::vector<int> lines;            // line of each knot
  std::vector<std::string> x_texts;  // x of each knot as written
  std::istringstream in(text);
  std::string line;
  int number = 0;
  bool first = true;  // no line with fields seen yet
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const std::vector<TableField> fields = table_fields(line);
    if (fields.empty()) continue;
    const bool header = first && is_header(fields);
    first = false;
    if (header) continue;  // such as "x,y"
    if (fields.size() != 2)
      throw table_error(source, number, 0, "expected two numbers 'x y' (or 'x,y'), got '" + excerpt(trim(line)) + "'");
    const TablePoint k{table_value(fields[0], "x", source, number), table_value(fields[1], "y", source, number), number};
    if (!knots.empty()) {
      const std::string previous = "x = " + excerpt(x_texts.back()) + " (line " + std::to_string(lines.back()) + ")";
      if (!(knots.back().x < k.x))
        throw table_error(source, number, fields[0].col,
                          "x must be strictly increasing, but x = " + excerpt(fields[0].text) + " follows " + previous);
      // Rounding to double is monotone, so a strictly increasing pair can only collapse.
      const double rounded = to_double(k.x);
      if (!(to_double(knots.back().x) < rounded)) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "%.17g", rounded);
        throw table_error(source, number, fields[0].col,
                          "x = " + excerpt(fields[0].text) + " and " + previous + " round to the same double, " + shown +
                              " (expected x values that stay strictly increasing when rounded to double)");
      }
    }
    knots.push_back(k);
    lines.push_back(number);
    x_texts.push_back(fields[0].text);
  }
  if (knots.size() < 2)
    throw std::invalid_argument(source + " has " + std::to_string(knots.size()) + (knots.size() == 1 ? " point" : " points") +
                                "; a piecewise-linear table needs at least 2");
  return knots;
}

std::vector<TablePoint> read_table(const std::string& path) {
  // Checked first because a directory opens without error on Linux and reads as empty,
  // which parse_table would report as "has 0 points".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::invalid_argument(path + ": is a directory (expected " + kTableExpected + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::invalid_argument(path + ": cannot open table file: " + std::strerror(errno) + " (expected " + kTableExpected + ")");
  // istream::read (unlike `out << in.rdbuf()`) sets badbit when reading fails.
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) text.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw std::invalid_argument(path + ": cannot read table file (read failed)");
  drop_byte_order_mark(text);
  return parse_table(text, path);
}

}  // namespace loopcert
