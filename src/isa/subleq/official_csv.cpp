#include "core/decimal.hpp"
#include "isa/subleq/official_csv.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "core/input_error.hpp"
#include "core/input_file.hpp"
#include "isa/subleq/twos_complement.hpp"

namespace loopcert::isa {
namespace {

constexpr const char* kLayoutFlag = "--layout";
constexpr const char* kCommandsHeader = "a,b,c";
constexpr const char* kMemoryHeader = "mem";

bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }

// One line of a CSV file, without its line ending (LF or CRLF).
struct Line {
  std::string text;
  int number;  // 1-based
};

// Splits into lines; a missing final newline, CRLF endings and trailing blank lines
// are accepted (the authors' files lack the final newline).
std::vector<Line> split_lines(const std::string& text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back({std::move(line), ++number});
    start = end + 1;
  }
  const auto blank = [](const std::string& s) {
    for (char ch : s) {
      if (!is_blank(ch)) return false;
    }
    return true;
  };
  while (!lines.empty() && blank(lines.back().text)) lines.pop_back();
  return lines;
}

struct Field {
  std::string text;  // without surrounding blanks
  int col;           // 1-based column of the text (of the field start if empty)
};

std::vector<Field> split_fields(const std::string& line) {
  std::vector<Field> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(',', start);
    if (end == std::string::npos) end = line.size();
    std::size_t first = start;
    while (first < end && is_blank(line[first])) ++first;
    std::size_t last = end;
    while (last > first && is_blank(line[last - 1])) --last;
    fields.push_back({line.substr(first, last - first), static_cast<int>(first) + 1});
    if (end == line.size()) break;
    start = end + 1;
  }
  return fields;
}

void validate_layout(const CsvLayout& layout) {
  const auto fail = [](const std::string& message) {
    throw InputError(kLayoutFlag, 0, 0, message);
  };
  if (layout.s < 0) fail("s = " + std::to_string(layout.s) + " is negative (expected s >= 0)");
  if (layout.m < 1) {
    fail("m = " + std::to_string(layout.m) + " leaves no memory columns (expected m >= 1)");
  }
  if (layout.n <= layout.s + layout.m) {
    fail("n = " + std::to_string(layout.n) + " leaves no command columns (expected n > s + m = " +
         std::to_string(layout.s + layout.m) + ")");
  }
  if (!valid_bits(layout.N)) {
    fail("N = " + std::to_string(layout.N) + " is out of range (expected N from 2 to 64)");
  }
}

// Header line: must exist and match exactly; reported at line 1.
void check_header(const std::vector<Line>& lines, const std::string& file, const char* header) {
  if (lines.empty()) {
    throw InputError(file, 1, 1,
                     std::string("missing header (expected the header line '") + header + "')");
  }
  if (lines[0].text != header) {
    throw InputError(file, 1, 1,
                     "wrong header '" + excerpt(lines[0].text) + "' (expected '" + header + "')");
  }
}

void check_not_blank(const Line& line, const std::string& file, const char* expected) {
  for (char ch : line.text) {
    if (!is_blank(ch)) return;
  }
  throw InputError(file, line.number, 1,
                   std::string("blank line inside the data (expected ") + expected + ")");
}

// A field that must be an integer; `what` names it in messages.
std::int64_t integer_field(const Field& field, const Line& line, const std::string& file,
                           const std::string& what, const char* expected) {
  bool overflow = false;
  const auto value = parse_decimal(field.text, overflow);
  if (overflow) {
    throw InputError(file, line.number, field.col,
                     what + " = " + excerpt(field.text) + " is too large (expected " + expected +
                         ")");
  }
  if (!value) {
    const std::string shown =
        field.text.empty() ? "empty" : std::string("'") + excerpt(field.text) + "'";
    throw InputError(file, line.number, field.col,
                     what + " is " + shown + ", not an integer (expected " + expected + ")");
  }
  return *value;
}

std::vector<Command> read_commands(const std::string& text, const std::string& file,
                                   const CsvLayout& layout) {
  const std::vector<Line> lines = split_lines(text);
  check_header(lines, file, kCommandsHeader);
  const int memory_begin = layout.s;
  const int memory_end = layout.s + layout.m;
  const int command_begin = memory_end;
  const int command_end = layout.n;
  const int expected_count = layout.n - layout.s - layout.m;

  std::vector<Command> commands;
  for (std::size_t k = 1; k < lines.size(); ++k) {
    const Line& line = lines[k];
    check_not_blank(line, file, "one command a,b,c per line");
    if (static_cast<int>(commands.size()) == expected_count) {
      throw InputError(file, line.number, 1,
                       "more commands than the layout allows (expected n - s - m = " +
                           std::to_string(expected_count) + " commands for layout s,m,n = " +
                           std::to_string(layout.s) + "," + std::to_string(layout.m) + "," +
                           std::to_string(layout.n) + ")");
    }
    const std::vector<Field> fields = split_fields(line.text);
    if (fields.size() != 3) {
      const int col = fields.size() > 3 ? fields[3].col : 1;
      throw InputError(file, line.number, col,
                       "expected 3 fields a,b,c, got " + std::to_string(fields.size()));
    }
    const char* names[3] = {"a", "b", "c"};
    std::int64_t column[3] = {};
    for (int f = 0; f < 3; ++f) {
      const bool is_jump = f == 2;
      const char* expected = is_jump ? "a command column index" : "a memory column index";
      column[f] = integer_field(fields[static_cast<std::size_t>(f)], line, file, names[f], expected);
      const int begin = is_jump ? command_begin : memory_begin;
      const int end = is_jump ? command_end : memory_end;
      if (column[f] < begin || column[f] >= end) {
        const std::string region = is_jump ? "command" : "memory";
        throw InputError(file, line.number, fields[static_cast<std::size_t>(f)].col,
                         std::string(names[f]) + " = " + std::to_string(column[f]) +
                             " is outside the " + region + " region [" + std::to_string(begin) +
                             ", " + std::to_string(end) + ") (expected a " + region +
                             " column from " + std::to_string(begin) + " to " +
                             std::to_string(end - 1) + ")");
      }
    }
    Command command;
    command.a = static_cast<int>(column[0]) - memory_begin;
    command.b = static_cast<int>(column[1]) - memory_begin;
    command.c = static_cast<int>(column[2]) - command_begin;
    command.line = line.number;
    commands.push_back(command);
  }
  if (commands.empty()) {
    throw InputError(file, 0, 0, "no commands after the header (expected at least one a,b,c line)");
  }
  if (static_cast<int>(commands.size()) != expected_count) {
    throw InputError(file, 0, 0,
                     "has " + std::to_string(commands.size()) +
                         " commands but the layout needs n - s - m = " +
                         std::to_string(expected_count) + " (s,m,n = " + std::to_string(layout.s) +
                         "," + std::to_string(layout.m) + "," + std::to_string(layout.n) + ")");
  }
  return commands;
}

std::vector<std::int64_t> read_memory(const std::string& text, const std::string& file,
                                      const CsvLayout& layout) {
  const std::vector<Line> lines = split_lines(text);
  check_header(lines, file, kMemoryHeader);
  const std::string range =
      std::to_string(min_signed(layout.N)) + ".." + std::to_string(max_signed(layout.N));
  const std::string expected = "a signed " + std::to_string(layout.N) + "-bit integer, " + range;

  std::vector<std::int64_t> memory;
  for (std::size_t k = 1; k < lines.size(); ++k) {
    const Line& line = lines[k];
    check_not_blank(line, file, "one integer per line");
    if (static_cast<int>(memory.size()) == layout.m) {
      throw InputError(file, line.number, 1,
                       "more values than memory columns (expected m = " +
                           std::to_string(layout.m) + " values)");
    }
    const std::vector<Field> fields = split_fields(line.text);
    if (fields.size() != 1) {
      throw InputError(file, line.number, fields[1].col,
                       "expected one value per line, got " + std::to_string(fields.size()) +
                           " fields");
    }
    const std::int64_t value = integer_field(fields[0], line, file, "value", expected.c_str());
    if (!fits_signed(value, layout.N)) {
      throw InputError(file, line.number, fields[0].col,
                       "value " + std::to_string(value) + " does not fit in " +
                           std::to_string(layout.N) + "-bit two's complement (expected " + range +
                           ")");
    }
    memory.push_back(value);
  }
  if (static_cast<int>(memory.size()) != layout.m) {
    throw InputError(file, 0, 0,
                     "has " + std::to_string(memory.size()) + " values but the layout says m = " +
                         std::to_string(layout.m) + " (expected one value per memory column)");
  }
  return memory;
}

}  // namespace

CsvLayout parse_layout(const std::string& text) {
  const std::string usage =
      "expected four integers s,m,n,N such as 2,10,23,15, got '" + excerpt(text) + "'";
  const std::vector<Field> fields = split_fields(text);
  if (fields.size() != 4) throw InputError(kLayoutFlag, 0, 0, usage);
  int values[4] = {};
  for (int k = 0; k < 4; ++k) {
    bool overflow = false;
    const auto value = parse_decimal(fields[static_cast<std::size_t>(k)].text, overflow);
    if (!value) throw InputError(kLayoutFlag, 0, 0, usage);
    if (*value < -1'000'000'000 || *value > 1'000'000'000) {
      // The fields are ints, and no layout near this size could be built or run anyway.
      static const char* const names[4] = {"s", "m", "n", "N"};
      throw InputError(kLayoutFlag, 0, 0,
                       std::string(names[k]) + " = " + excerpt(fields[static_cast<std::size_t>(k)].text) +
                           " is beyond the limit of 10^9 for a layout field (" + usage + ")");
    }
    values[k] = static_cast<int>(*value);
  }
  const CsvLayout layout{values[0], values[1], values[2], values[3]};
  validate_layout(layout);
  return layout;
}

SubleqProgram parse_official_csv(const std::string& cmds_text, const std::string& cmds_name,
                                 const std::string& mem_text, const std::string& mem_name,
                                 const CsvLayout& layout) {
  validate_layout(layout);
  SubleqProgram program;
  program.bits = layout.N;
  program.scratch = layout.s;
  program.commands = read_commands(cmds_text, cmds_name, layout);
  program.memory = read_memory(mem_text, mem_name, layout);
  for (int cell = 0; cell < layout.m; ++cell) {
    program.cell_names.push_back(std::to_string(layout.s + cell));
  }
  program.source = cmds_name;
  program.from_csv = true;
  return program;
}

SubleqProgram load_official_csv(const std::string& cmds_path, const std::string& mem_path,
                                const CsvLayout& layout) {
  validate_layout(layout);
  const std::string cmds_text = read_input_file(cmds_path, "a commands CSV with header a,b,c");
  const std::string mem_text = read_input_file(mem_path, "a memory CSV with header mem");
  return parse_official_csv(cmds_text, cmds_path, mem_text, mem_path, layout);
}

}  // namespace loopcert::isa
