#include "isa/fleq/assembler.hpp"

#include <set>

#include "core/decimal.hpp"
#include "core/input_file.hpp"
#include "isa/fleq/detail/lexer.hpp"
#include "isa/fleq/detail/parsed.hpp"

namespace loopcert::isa::fleq {
namespace {

using detail::Cursor;
using detail::Token;
using Kind = Token::Kind;

constexpr const char* kStatementList =
    "'C = OP A, B', 'C = OP A', 'if F <= 0 goto L', 'goto L', 'halt', or a directive "
    ".k, .bound, .intbound, .range, .terms, .real, .int";
const std::set<std::string> kKeywords = {"if", "goto", "halt"};

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const std::string& file) : in_(tokens, file), file_(file) {
    parsed_.program.source = file;
  }

  detail::ParsedProgram run() {
    while (!in_.done()) {
      parse_line();
      in_.expect(Kind::EndOfLine, "the end of the statement");
    }
    return std::move(parsed_);
  }

 private:
  void parse_line() {
    while (in_.peek().kind == Kind::Word) {  // leading labels `name:`
      const Token& word = in_.peek();
      in_.next();
      if (in_.peek().kind != Kind::Colon) {
        parse_statement(word);
        return;
      }
      in_.next();
      define_label(word);
    }
    if (in_.at_end_of_line()) return;  // blank, comment or labels only
    const Token& head = in_.peek();
    in_.fail(head, "unexpected '" + head.shown() + "' (expected " + kStatementList + ")");
  }

  void parse_statement(const Token& head) {
    if (!head.text.empty() && head.text[0] == '.') return parse_directive(head);
    note_content(head);
    detail::ParsedStatement statement;
    statement.head = head;
    statement.line = head.line;
    if (head.text == "halt") {
      statement.op = Op::halt;
    } else if (head.text == "goto") {
      statement.target = label_operand("goto");
    } else if (head.text == "if") {
      parse_condition(statement);
    } else if (in_.peek().kind == Kind::Equals) {
      in_.next();
      parse_operation(statement);
    } else {
      in_.fail(head, "unknown statement '" + head.shown() + "' (expected " + kStatementList + ")");
    }
    parsed_.pending_labels.clear();
    parsed_.statements.push_back(std::move(statement));
  }

  // `C = OP A, B [if F <= 0 goto L]` after the '='.
  void parse_operation(detail::ParsedStatement& statement) {
    statement.dest = statement.head;
    check_cell_name(*statement.dest, "destination");
    const Token& name = in_.expect(Kind::Word, "an operation after '=' (add, sub, matmul, ...)");
    const auto op = op_from_name(name.text);
    if (!op) {
      in_.fail(name, "unknown operation '" + name.shown() +
                         "' (expected add, sub, matmul, tmatmul, scale, hadamard, copy, transpose, sigmoid, exp, "
                         "recip, sqrt or rsqrt)");
    }
    statement.op = *op;
    statement.op_token = name;
    const std::string form = operand_count(*op) == 2 ? "'C = " + name.text + " A, B'" : "'C = " + name.text + " A'";
    statement.a = cell_operand(form);
    if (operand_count(*op) == 2) {
      in_.expect(Kind::Comma, "',' and a second operand (" + name.text + " takes two: " + form + ")");
      statement.b = cell_operand(form);
    } else if (in_.peek().kind == Kind::Comma) {
      in_.fail(in_.peek(), name.text + " takes one operand (expected " + form + ")");
    }
    if (in_.peek().kind == Kind::Word && in_.peek().text == "if") {
      in_.next();
      parse_condition(statement);
    }
  }

  // `F <= 0 goto L` after the `if`.
  void parse_condition(detail::ParsedStatement& statement) {
    statement.flag = in_.expect(Kind::Word, "a flag cell after 'if' (as in 'if i <= 0 goto loop')");
    check_cell_name(*statement.flag, "flag cell");
    in_.expect(Kind::LessEqual, "'<=' after the flag cell (FLEQ branches on 'if F <= 0 goto L')");
    const Token& zero = in_.expect(Kind::Word, "'0' after '<=' (FLEQ branches on 'if F <= 0 goto L')");
    if (zero.text != "0") in_.fail(zero, "expected '0' after '<=' (FLEQ compares with 0 only), got '" + zero.shown() + "'");
    const Token& go = in_.expect(Kind::Word, "'goto' after '<= 0'");
    if (go.text != "goto") in_.fail(go, "expected 'goto' after '<= 0', got '" + go.shown() + "'");
    statement.target = label_operand("goto");
  }

  Token cell_operand(const std::string& form) {
    const Token& token = in_.expect(Kind::Word, "a cell name (" + form + ")");
    check_cell_name(token, "operand");
    return token;
  }

  Token label_operand(const std::string& after) {
    const Token& token = in_.expect(Kind::Word, "a label after '" + after + "'");
    if (!detail::is_identifier(token.text) || kKeywords.count(token.text) != 0) {
      in_.fail(token, "bad label '" + token.shown() + "' (expected " + detail::kIdentifierRule + ", not if/goto/halt)");
    }
    return token;
  }

  void check_cell_name(const Token& token, const std::string& what) const {
    if (!detail::is_identifier(token.text) || kKeywords.count(token.text) != 0) {
      in_.fail(token, "bad " + what + " '" + token.shown() + "' (expected a cell name: " + detail::kIdentifierRule +
                          ", not if/goto/halt)");
    }
  }

  void define_label(const Token& name) {
    if (!detail::is_identifier(name.text) || kKeywords.count(name.text) != 0) {
      in_.fail(name, "bad label name '" + name.shown() + "' (expected " + detail::kIdentifierRule + ", not if/goto/halt)");
    }
    if (const auto it = parsed_.labels.find(name.text); it != parsed_.labels.end()) {
      in_.fail(name, "duplicate label '" + name.shown() + "' (first defined at line " + std::to_string(it->second.line) +
                         "; expected each label once)");
    }
    parsed_.labels[name.text] = {static_cast<int>(parsed_.statements.size()), name.line};
    parsed_.pending_labels.push_back(name);
  }

  void note_content(const Token& at) {
    if (content_line_ == 0) content_line_ = at.line;
  }

  void no_labels_on(const Token& head) const {
    if (!parsed_.pending_labels.empty()) {
      const Token& label = parsed_.pending_labels.back();
      if (label.line == head.line) {
        in_.fail(label, "label '" + label.shown() + "' is on a " + head.text + " directive (expected labels before statements only)");
      }
    }
  }

  void parse_directive(const Token& head);
  void parse_setting(const Token& head);
  void parse_range(const Token& head);
  void parse_terms(const Token& head);
  void parse_cell(const Token& head);
  Shape parse_shape(const Token& token) const;
  void check_entries(const detail::Literal& literal, CellKind kind) const;

  Cursor in_;
  const std::string& file_;
  detail::ParsedProgram parsed_;
  int content_line_ = 0;          // first cell declaration or statement
  std::map<std::string, int> settings_;  // .k / .bound / .intbound -> line
};

void Parser::parse_directive(const Token& head) {
  no_labels_on(head);
  if (head.text == ".k" || head.text == ".bound" || head.text == ".intbound") return parse_setting(head);
  if (head.text == ".range") return parse_range(head);
  if (head.text == ".terms") return parse_terms(head);
  if (head.text == ".real" || head.text == ".int") return parse_cell(head);
  in_.fail(head, "unknown directive '" + head.shown() + "' (expected .k, .bound, .intbound, .range, .terms, .real or .int)");
}

void Parser::parse_setting(const Token& head) {
  if (const auto it = settings_.find(head.text); it != settings_.end()) {
    in_.fail(head, head.text + " given twice (first at line " + std::to_string(it->second) + "; expected it at most once)");
  }
  if (content_line_ != 0) {
    in_.fail(head, head.text + " after a cell or statement (line " + std::to_string(content_line_) +
                       "; expected " + head.text + " before any .real, .int or statement)");
  }
  settings_[head.text] = head.line;
  FleqProgram& program = parsed_.program;
  const Token& value = in_.expect(Kind::Word, "a value after " + head.text);
  if (head.text == ".bound") {
    const Rational bound = detail::parse_number(in_, value, ".bound value");
    if (bound <= 0) in_.fail(value, ".bound must be positive, got '" + value.shown() + "' (expected G > 0)");
    const bool int_follows = settings_.count(".intbound") == 0;
    program.bound = bound;
    if (int_follows) {  // the default K is G (rounded down, at least 1)
      const BigInt whole = boost::multiprecision::numerator(bound) / boost::multiprecision::denominator(bound);
      program.int_bound = Rational(whole < 1 ? BigInt(1) : whole);
    }
    return;
  }
  bool overflow = false;
  const auto number = parse_decimal(value.text, overflow);
  const std::int64_t top = head.text == ".k" ? kMaxCellSize : std::int64_t{1} << 62;
  if (!number || *number < 1 || *number > top) {
    in_.fail(value, "bad " + head.text + " value '" + value.shown() + "' (expected an integer from 1 to " +
                        std::to_string(top) + ")");
  }
  if (head.text == ".k") program.k = static_cast<int>(*number);
  else program.int_bound = Rational(*number);
}

void Parser::parse_range(const Token& head) {
  const Token& name = in_.expect(Kind::Word, "a function after .range (sigmoid, exp, recip, sqrt or rsqrt)");
  const auto op = op_from_name(name.text);
  if (!op || !is_function(*op)) {
    in_.fail(name, "'" + name.shown() + "' is not a function with a range (expected sigmoid, exp, recip, sqrt or rsqrt)");
  }
  const Function function = function_of(*op);
  auto& slot = parsed_.program.ranges[static_cast<int>(function)];
  if (slot) in_.fail(name, "second .range for " + name.text + " (expected at most one per function)");
  const Token& text = in_.expect(Kind::Word, "a range LO..HI after '" + name.text + "'");
  const std::size_t dots = text.text.find("..");
  if (dots == std::string::npos) in_.fail(text, "expected a range LO..HI such as 1/4..4, got '" + text.shown() + "'");
  std::string why;
  const auto lo = try_parse_rational(text.text.substr(0, dots), why);
  const auto hi = lo ? try_parse_rational(text.text.substr(dots + 2), why) : std::nullopt;
  if (!lo || !hi) in_.fail(text, "range '" + text.shown() + "': an end " + why);
  if (*lo > *hi) in_.fail(text, "range '" + text.shown() + "' is empty (expected LO <= HI)");
  if (function == Function::recip && *lo <= 0 && *hi >= 0) {
    in_.fail(text, "recip range '" + text.shown() + "' contains 0 (expected a range on one side of 0: 1/x is unbounded there)");
  }
  if (function == Function::sqrt && *lo < 0) {
    in_.fail(text, "sqrt range '" + text.shown() + "' reaches below 0 (expected LO >= 0)");
  }
  if (function == Function::rsqrt && *lo <= 0) {
    in_.fail(text, "rsqrt range '" + text.shown() + "' reaches 0 or below (expected LO > 0)");
  }
  slot = Range{*lo, *hi};
}

// `.terms f M` (ext): f's block is a sum of M sigmoids (1 <= M <= kMaxFunctionTerms);
// sigmoid is exact with one and takes none.
void Parser::parse_terms(const Token& head) {
  const Token& name = in_.expect(Kind::Word, "a function after .terms (exp, recip, sqrt or rsqrt)");
  const auto op = op_from_name(name.text);
  if (!op || !is_function(*op) || function_of(*op) == Function::sigmoid) {
    in_.fail(name, "'" + name.shown() + "' takes no .terms (expected exp, recip, sqrt or rsqrt; sigmoid is exact with one term)");
  }
  int& slot = parsed_.program.terms[static_cast<int>(function_of(*op))];
  if (slot != 0) in_.fail(name, "second .terms for " + name.text + " (expected at most one per function)");
  const Token& value = in_.expect(Kind::Word, "a number of terms after '" + name.text + "'");
  bool overflow = false;
  const auto number = parse_decimal(value.text, overflow);
  if (!number || *number < 1 || *number > kMaxFunctionTerms) {
    in_.fail(value, "bad .terms value '" + value.shown() + "' (expected an integer from 1 to " + std::to_string(kMaxFunctionTerms) + ")");
  }
  slot = static_cast<int>(*number);
}

Shape Parser::parse_shape(const Token& token) const {
  const std::size_t x = token.text.find('x');
  bool overflow = false;
  const auto digits = [](const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; };
  const std::string rows = x == std::string::npos ? "" : token.text.substr(0, x);
  const std::string cols = x == std::string::npos ? "" : token.text.substr(x + 1);
  if (!digits(rows) || !digits(cols)) {
    in_.fail(token, "expected '=' and a value, or a shape ROWSxCOLS such as 3x3, got '" + token.shown() + "'");
  }
  const auto r = parse_decimal(rows, overflow), c = parse_decimal(cols, overflow);
  if (!r || !c || *r < 1 || *c < 1 || *r > kMaxCellSize || *c > kMaxCellSize) {
    in_.fail(token, "bad shape '" + token.shown() + "' (expected ROWSxCOLS with each from 1 to .k = " +
                        std::to_string(parsed_.program.k) + ")");
  }
  return {static_cast<int>(*r), static_cast<int>(*c)};
}

void Parser::check_entries(const detail::Literal& literal, CellKind kind) const {
  const FleqProgram& program = parsed_.program;
  const Rational& bound = kind == CellKind::real ? program.bound : program.int_bound;
  for (std::size_t i = 0; i < literal.entries.size(); ++i) {
    const Rational& v = literal.entries[i];
    const Token& at = literal.entry_tokens[i];
    if (kind == CellKind::integer && boost::multiprecision::denominator(v) != 1) {
      in_.fail(at, ".int value '" + at.shown() + "' is not an integer (expected e.g. 3 or -9)");
    }
    if (abs(v) > bound) {
      in_.fail(at, "entry '" + at.shown() + "' is beyond " + (kind == CellKind::real ? ".bound " : ".intbound ") +
                       to_string(bound) + " (expected a value in [-" + to_string(bound) + ", " + to_string(bound) + "])");
    }
  }
}

void Parser::parse_cell(const Token& head) {
  note_content(head);
  const CellKind kind = head.text == ".real" ? CellKind::real : CellKind::integer;
  const Token& name = in_.expect(Kind::Word, "a cell name after " + head.text);
  check_cell_name(name, "cell name");
  if (const auto it = parsed_.cells.find(name.text); it != parsed_.cells.end()) {
    in_.fail(name, "duplicate cell '" + name.shown() + "' (first declared at line " + std::to_string(it->second.line) +
                       "; expected each cell once)");
  }
  Cell cell{name.text, kind, Shape{}, {}, name.line};
  std::optional<Shape> declared;
  if (in_.peek().kind == Kind::Word) {
    const Token& shape = in_.next();
    if (kind == CellKind::integer) in_.fail(shape, ".int cells are 1x1 (expected '.int NAME' or '.int NAME = VALUE')");
    declared = parse_shape(shape);
    cell.shape = *declared;
  }
  if (in_.peek().kind == Kind::Equals) {
    in_.next();
    const detail::Literal literal = detail::parse_literal(in_);
    if (declared && !(literal.shape == *declared)) {
      in_.fail(literal.first, "the literal is " + literal.shape.str() + " but " + name.text + " is declared " +
                                  declared->str() + " (expected a literal of the declared shape)");
    }
    if (kind == CellKind::integer && !(literal.shape == Shape{})) {
      in_.fail(literal.first, ".int cells are 1x1, got a " + literal.shape.str() + " literal (expected one integer)");
    }
    check_entries(literal, kind);
    cell.shape = literal.shape;
    cell.initial = literal.entries;
  } else {
    cell.initial.assign(static_cast<std::size_t>(cell.shape.size()), Rational(0));
  }
  const int k = parsed_.program.k;
  if (cell.shape.rows > k || cell.shape.cols > k) {
    in_.fail(name, "cell '" + name.shown() + "' is " + cell.shape.str() + ", above the cell size .k = " +
                       std::to_string(k) + " (expected at most " + std::to_string(k) + "x" + std::to_string(k) +
                       ", or a larger .k before the cells)");
  }
  parsed_.cells[name.text] = {static_cast<int>(parsed_.program.cells.size()), name.line};
  parsed_.program.cells.push_back(std::move(cell));
}

}  // namespace

FleqProgram assemble_fq(const std::string& text, const std::string& filename) {
  const std::vector<Token> tokens = detail::tokenize(text);
  return detail::resolve(Parser(tokens, filename).run(), filename);
}

FleqProgram load_fq(const std::string& path) {
  return assemble_fq(read_input_file(path, "a readable .fq file"), path);
}

}  // namespace loopcert::isa::fleq
