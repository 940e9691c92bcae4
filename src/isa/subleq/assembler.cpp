#include "core/decimal.hpp"
#include "isa/subleq/assembler.hpp"

#include <charconv>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "core/input_error.hpp"
#include "core/input_file.hpp"
#include "isa/subleq/twos_complement.hpp"

namespace loopcert::isa {
namespace {

constexpr int kDefaultBits = 8;
constexpr const char* kMnemonicList = "subleq, halt, .bits or .mem";
constexpr const char* kIdentifierRule =
    "an identifier: a letter or '_', then letters, digits or '_'";

// ---------------------------------------------------------------------------------
// Lexing: one line at a time. A word is any run of characters other than blanks,
// ',', ':' and the comment starters, so that bad words ("1x", "a-b") reach the parser
// whole and are reported as what they are.

struct Token {
  enum class Kind { Word, Comma, Colon };
  Kind kind;
  std::string text;
  int col;  // 1-based

  // The text as messages quote it (core/input_error.hpp: excerpt).
  std::string shown() const { return excerpt(text); }
};

bool is_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f'; }
bool is_comment_start(char ch) { return ch == ';' || ch == '#'; }

std::vector<Token> tokenize(const std::string& line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    const char ch = line[i];
    if (is_comment_start(ch)) break;
    if (is_blank(ch)) {
      ++i;
      continue;
    }
    const int col = static_cast<int>(i) + 1;
    if (ch == ',' || ch == ':') {
      tokens.push_back({ch == ',' ? Token::Kind::Comma : Token::Kind::Colon, std::string(1, ch), col});
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && !is_blank(line[end]) && line[end] != ',' && line[end] != ':' &&
           !is_comment_start(line[end])) {
      ++end;
    }
    tokens.push_back({Token::Kind::Word, line.substr(i, end - i), col});
    i = end;
  }
  return tokens;
}

bool is_identifier(const std::string& text) {
  if (text.empty()) return false;
  const auto letter = [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
  };
  const auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  if (!letter(text[0])) return false;
  for (char ch : text) {
    if (!letter(ch) && !digit(ch)) return false;
  }
  return true;
}


std::string range_text(int bits) {
  return std::to_string(min_signed(bits)) + ".." + std::to_string(max_signed(bits));
}

// ---------------------------------------------------------------------------------
// Parsing: collects cells, labels and commands with their tokens; names are resolved
// afterwards, because labels (and cells) may be used before they are defined.

struct ParsedCommand {
  bool is_halt = false;              // a `halt` line
  std::optional<Token> a, b;         // cell operands (subleq only)
  std::optional<Token> target;       // third operand: a label or `halt`
  int line = 0;
};

struct Place {
  int index;
  int line;
};

class Assembler {
 public:
  Assembler(const std::string& text, const std::string& filename) : text_(text), file_(filename) {}

  SubleqProgram run() {
    std::istringstream lines(text_);
    std::string line;
    int line_number = 0;
    while (std::getline(lines, line)) {
      ++line_number;
      parse_line(tokenize(line), line_number);
    }
    return finish();
  }

 private:
  [[noreturn]] void fail(int line, int col, const std::string& message) const {
    throw InputError(file_, line, col, message);
  }
  [[noreturn]] void fail(int line, const Token& token, const std::string& message) const {
    fail(line, token.col, message);
  }

  void parse_line(const std::vector<Token>& tokens, int line) {
    std::size_t i = 0;
    // Leading labels: `name:` (several are allowed; all name the next command).
    std::optional<Token> first_label_here;
    if (!tokens.empty() && tokens[0].kind == Token::Kind::Colon) {
      fail(line, tokens[0], "unexpected ':' (expected a label name before it, as in 'loop:')");
    }
    while (i + 1 < tokens.size() && tokens[i].kind == Token::Kind::Word &&
           tokens[i + 1].kind == Token::Kind::Colon) {
      define_label(tokens[i], line);
      if (!first_label_here) first_label_here = tokens[i];
      i += 2;
      if (i < tokens.size() && tokens[i].kind == Token::Kind::Colon) {
        fail(line, tokens[i], "unexpected ':' (expected a label name before it, as in 'loop:')");
      }
    }
    if (i == tokens.size()) return;  // blank, comment or labels only
    const Token& head = tokens[i];
    if (head.kind != Token::Kind::Word) {
      fail(line, head, "unexpected '" + head.shown() + "' (expected a mnemonic: " + kMnemonicList + ")");
    }
    const std::vector<Token> operands = parse_operands(tokens, i + 1, line);

    if (head.text == ".bits" || head.text == ".mem") {
      if (first_label_here) {
        fail(line, *first_label_here,
             "label '" + first_label_here->shown() + "' is on a " + head.text +
                 " directive (expected labels only before commands: subleq or halt)");
      }
      if (head.text == ".bits") {
        parse_bits(head, operands, line);
      } else {
        parse_mem(head, operands, line);
      }
      return;
    }
    if (head.text == "subleq") {
      parse_subleq(head, operands, line);
    } else if (head.text == "halt") {
      if (!operands.empty()) {
        fail(line, operands[0],
             "halt takes no operands, got " + std::to_string(operands.size()) +
                 " (expected 'halt' alone; to jump to a halt write 'subleq A, B, halt')");
      }
      ParsedCommand command;
      command.is_halt = true;
      command.line = line;
      add_command(std::move(command));
    } else {
      fail(line, head, "unknown mnemonic '" + head.shown() + "' (expected " + kMnemonicList + ")");
    }
  }

  // Operands separated by commas or blanks: `A, B, C`, `A B C`, `A,B C`.
  std::vector<Token> parse_operands(const std::vector<Token>& tokens, std::size_t from, int line) const {
    std::vector<Token> operands;
    const Token* pending_comma = nullptr;
    for (std::size_t i = from; i < tokens.size(); ++i) {
      const Token& token = tokens[i];
      if (token.kind == Token::Kind::Colon) {
        fail(line, token, "unexpected ':' (expected labels only at the start of a line)");
      }
      if (token.kind == Token::Kind::Comma) {
        if (operands.empty() || pending_comma != nullptr) {
          fail(line, token, "unexpected ',' (expected an operand before it)");
        }
        pending_comma = &token;
        continue;
      }
      operands.push_back(token);
      pending_comma = nullptr;
    }
    if (pending_comma != nullptr) {
      fail(line, *pending_comma, "trailing ',' (expected an operand after it)");
    }
    return operands;
  }

  void define_label(const Token& name, int line) {
    if (!is_identifier(name.text)) {
      fail(line, name, "bad label name '" + name.shown() + "' (expected " + kIdentifierRule + ")");
    }
    if (name.text == "halt") {
      fail(line, name, "'halt' cannot be a label (it already names the halt target)");
    }
    if (const auto it = labels_.find(name.text); it != labels_.end()) {
      fail(line, name,
           "duplicate label '" + name.shown() + "' (first defined at line " +
               std::to_string(it->second.line) + "; expected each label once)");
    }
    labels_[name.text] = Place{static_cast<int>(parsed_.size()), line};
    pending_labels_.push_back({name, line});
  }

  void parse_bits(const Token& head, const std::vector<Token>& operands, int line) {
    if (bits_line_ != 0) {
      fail(line, head,
           ".bits given twice (first at line " + std::to_string(bits_line_) +
               "; expected at most one .bits)");
    }
    if (content_line_ != 0) {
      fail(line, head,
           ".bits after a .mem or command (line " + std::to_string(content_line_) +
               "; expected .bits before any .mem or command)");
    }
    if (operands.size() != 1) {
      const Token& where = operands.empty() ? head : operands[1];
      fail(line, where,
           ".bits takes one operand, got " + std::to_string(operands.size()) +
               " (expected '.bits N' with N from 2 to 64)");
    }
    bool overflow = false;
    const auto value = parse_decimal(operands[0].text, overflow);
    if (!value || *value < kMinBits || *value > kMaxBits) {
      fail(line, operands[0],
           "bad .bits value '" + operands[0].shown() + "' (expected an integer from 2 to 64)");
    }
    bits_ = static_cast<int>(*value);
    bits_line_ = line;
  }

  void parse_mem(const Token& head, const std::vector<Token>& operands, int line) {
    note_content(line);
    if (operands.size() != 2) {
      const Token& where = operands.size() < 2 ? head : operands[2];
      fail(line, where,
           ".mem takes two operands, got " + std::to_string(operands.size()) +
               " (expected '.mem NAME VALUE')");
    }
    const Token& name = operands[0];
    const Token& value_token = operands[1];
    if (!is_identifier(name.text)) {
      fail(line, name, "bad cell name '" + name.shown() + "' (expected " + kIdentifierRule + ")");
    }
    if (name.text == kHaltZeroCell) {
      fail(line, name,
           std::string("cell name '") + kHaltZeroCell +
               "' is reserved for the assembler's hidden zero cell (expected another name)");
    }
    if (const auto it = cells_.find(name.text); it != cells_.end()) {
      fail(line, name,
           "duplicate cell '" + name.shown() + "' (first declared at line " +
               std::to_string(it->second.line) + "; expected each cell once)");
    }
    bool overflow = false;
    const auto value = parse_decimal(value_token.text, overflow);
    if (!value && !overflow) {
      fail(line, value_token,
           "value '" + value_token.shown() + "' is not a decimal integer (expected e.g. 42 or -7)");
    }
    if (!value || !fits_signed(*value, bits_)) {
      fail(line, value_token,
           "value " + value_token.shown() + " does not fit in " + std::to_string(bits_) +
               "-bit two's complement (expected " + range_text(bits_) + ")");
    }
    cells_[name.text] = Place{static_cast<int>(cell_names_.size()), line};
    cell_names_.push_back(name.text);
    memory_.push_back(*value);
  }

  void parse_subleq(const Token& head, const std::vector<Token>& operands, int line) {
    if (operands.size() < 2 || operands.size() > 3) {
      const Token& where = operands.size() < 2 ? head : operands[3];
      fail(line, where,
           "subleq takes 2 or 3 operands, got " + std::to_string(operands.size()) +
               " (expected 'subleq A, B' or 'subleq A, B, C' with C a label or halt)");
    }
    for (std::size_t k = 0; k < 2; ++k) {
      if (!is_identifier(operands[k].text)) {
        fail(line, operands[k],
             "bad operand '" + operands[k].shown() + "' (expected a cell name declared with .mem)");
      }
    }
    ParsedCommand command;
    command.a = operands[0];
    command.b = operands[1];
    command.line = line;
    if (operands.size() == 3) {
      if (!is_identifier(operands[2].text)) {
        fail(line, operands[2],
             "bad jump target '" + operands[2].shown() + "' (expected a label or halt)");
      }
      command.target = operands[2];
    }
    add_command(std::move(command));
  }

  void add_command(ParsedCommand command) {
    note_content(command.line);
    pending_labels_.clear();
    parsed_.push_back(std::move(command));
  }

  void note_content(int line) {
    if (content_line_ == 0) content_line_ = line;
  }

  int resolve_cell(const ParsedCommand& command, const Token& operand) const {
    const auto it = cells_.find(operand.text);
    if (it == cells_.end()) {
      fail(command.line, operand,
           "undeclared cell '" + operand.shown() + "' (expected a cell declared with '.mem " +
               operand.shown() + " VALUE')");
    }
    return it->second.index;
  }

  // A non-halt last command can reach pc = #commands (falling off) unless it always
  // jumps elsewhere: a == b makes mem[b] = 0 <= 0, so a 3-operand `subleq X, X, L`
  // never falls through. Everything else gets a halt appended after it.
  static bool can_fall_off(const ParsedCommand& last) {
    if (last.is_halt) return false;
    if (!last.target) return true;
    return last.a->text != last.b->text;
  }

  SubleqProgram finish() {
    if (parsed_.empty()) {
      fail(0, 0, "program has no commands (expected at least one subleq or halt)");
    }
    if (!pending_labels_.empty()) {
      const auto& [label, line] = pending_labels_.front();
      fail(line, label,
           "label '" + label.shown() + "' is not followed by a command (expected a command after it, "
           "e.g. '" + label.shown() + ": halt')");
    }

    // Halt commands: explicit ones, one after a possible fall-off, and one for
    // `halt` targets if no halt command exists by then (the last halt is reused).
    if (can_fall_off(parsed_.back())) {
      ParsedCommand halt;
      halt.is_halt = true;
      parsed_.push_back(halt);
    }
    bool jumps_to_halt = false;
    for (const auto& command : parsed_) {
      if (command.target && command.target->text == "halt") jumps_to_halt = true;
    }
    std::optional<int> last_halt;
    for (int k = 0; k < static_cast<int>(parsed_.size()); ++k) {
      if (parsed_[static_cast<std::size_t>(k)].is_halt) last_halt = k;
    }
    if (jumps_to_halt && !last_halt) {
      ParsedCommand halt;
      halt.is_halt = true;
      parsed_.push_back(halt);
      last_halt = static_cast<int>(parsed_.size()) - 1;
    }

    SubleqProgram program;
    program.bits = bits_;
    program.scratch = 1;
    program.cell_names = cell_names_;
    program.memory = memory_;
    program.source = file_;
    program.from_csv = false;
    const int halt_zero = static_cast<int>(program.memory.size());
    if (last_halt) {
      program.cell_names.push_back(kHaltZeroCell);
      program.memory.push_back(0);
    }

    for (int k = 0; k < static_cast<int>(parsed_.size()); ++k) {
      const ParsedCommand& parsed = parsed_[static_cast<std::size_t>(k)];
      Command command;
      command.line = parsed.line;
      if (parsed.is_halt) {
        command.a = command.b = halt_zero;
        command.c = k;  // jumps to itself on a zero cell: a fixed point
      } else {
        command.a = resolve_cell(parsed, *parsed.a);
        command.b = resolve_cell(parsed, *parsed.b);
        if (!parsed.target) {
          command.c = k + 1;
        } else if (parsed.target->text == "halt") {
          command.c = *last_halt;
        } else {
          const auto it = labels_.find(parsed.target->text);
          if (it == labels_.end()) {
            fail(parsed.line, *parsed.target,
                 "undefined label '" + parsed.target->shown() + "' (expected a label defined as '" +
                     parsed.target->shown() + ":' before a command, or halt)");
          }
          command.c = it->second.index;
        }
      }
      program.commands.push_back(command);
    }
    return program;
  }

  const std::string& text_;
  const std::string& file_;
  int bits_ = kDefaultBits;
  int bits_line_ = 0;     // line of .bits, 0 if none yet
  int content_line_ = 0;  // line of the first .mem or command, 0 if none yet
  std::map<std::string, Place> cells_;
  std::vector<std::string> cell_names_;
  std::vector<std::int64_t> memory_;
  std::map<std::string, Place> labels_;
  std::vector<std::pair<Token, int>> pending_labels_;  // defined, no command yet
  std::vector<ParsedCommand> parsed_;
};

}  // namespace

SubleqProgram assemble_sq(const std::string& text, const std::string& filename) {
  return Assembler(text, filename).run();
}

SubleqProgram load_sq(const std::string& path) {
  return assemble_sq(read_input_file(path, "a readable .sq file"), path);
}

}  // namespace loopcert::isa
