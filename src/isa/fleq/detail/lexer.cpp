#include "isa/fleq/detail/lexer.hpp"

#include <sstream>

#include "core/input_error.hpp"

namespace loopcert::isa::fleq::detail {
namespace {

bool is_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f'; }
bool is_comment_start(char ch) { return ch == ';' || ch == '#'; }
bool is_punctuation(char ch) { return ch == ',' || ch == ':' || ch == '=' || ch == '[' || ch == ']'; }

Token::Kind punctuation_kind(char ch) {
  switch (ch) {
    case ',': return Token::Kind::Comma;
    case ':': return Token::Kind::Colon;
    case '=': return Token::Kind::Equals;
    case '[': return Token::Kind::Open;
    default: return Token::Kind::Close;
  }
}

bool ends_word(const std::string& line, std::size_t i) {
  const char ch = line[i];
  if (is_blank(ch) || is_punctuation(ch) || is_comment_start(ch)) return true;
  return ch == '<' && i + 1 < line.size() && line[i + 1] == '=';
}

}  // namespace

std::string Token::shown() const { return kind == Kind::EndOfLine ? "end of line" : excerpt(text); }

std::vector<Token> tokenize_line(const std::string& line, int line_number) {
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
    if (is_punctuation(ch)) {
      tokens.push_back({punctuation_kind(ch), std::string(1, ch), line_number, col});
      ++i;
      continue;
    }
    if (ch == '<' && i + 1 < line.size() && line[i + 1] == '=') {
      tokens.push_back({Token::Kind::LessEqual, "<=", line_number, col});
      i += 2;
      continue;
    }
    std::size_t end = i + 1;
    while (end < line.size() && !ends_word(line, end)) ++end;
    tokens.push_back({Token::Kind::Word, line.substr(i, end - i), line_number, col});
    i = end;
  }
  return tokens;
}

std::vector<Token> tokenize(const std::string& text) {
  std::vector<Token> tokens;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    for (Token& token : tokenize_line(line, line_number)) tokens.push_back(std::move(token));
    tokens.push_back({Token::Kind::EndOfLine, "", line_number, static_cast<int>(line.size()) + 1});
  }
  if (tokens.empty()) tokens.push_back({Token::Kind::EndOfLine, "", 1, 1});
  return tokens;
}

bool is_identifier(const std::string& text) {
  if (text.empty()) return false;
  const auto letter = [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_'; };
  if (!letter(text[0])) return false;
  for (char ch : text) {
    if (!letter(ch) && !(ch >= '0' && ch <= '9')) return false;
  }
  return true;
}

void Cursor::fail(const Token& at, const std::string& message) const {
  throw InputError(file_, at.line, at.col, message);
}

std::string Cursor::got(const Token& token) {
  return token.kind == Token::Kind::EndOfLine ? "got the end of the line" : "got '" + token.shown() + "'";
}

const Token& Cursor::expect(Token::Kind kind, const std::string& what) {
  const Token& token = peek();
  if (token.kind != kind) fail(token, "expected " + what + ", " + got(token));
  return next();
}

Rational parse_number(Cursor& cursor, const Token& token, const std::string& what) {
  if (token.kind != Token::Kind::Word) {
    cursor.fail(token, "expected a number for the " + what + " (e.g. 3, -0.25, 1e-3 or 7/2), " + Cursor::got(token));
  }
  std::string why;
  const auto value = try_parse_rational(token.text, why);
  if (!value) cursor.fail(token, what + " '" + token.shown() + "' " + why);
  return *value;
}

namespace {

// The tokens of a literal may continue over line ends while a bracket is open.
const Token& next_inside(Cursor& cursor) {
  while (cursor.at_end_of_line() && !cursor.done()) cursor.next();
  return cursor.next();
}

std::vector<Rational> parse_row(Cursor& cursor, const Token& open, std::vector<Token>& tokens) {
  std::vector<Rational> row;
  while (true) {
    const Token& token = next_inside(cursor);
    if (token.kind == Token::Kind::Close && row.empty()) cursor.fail(token, "empty row (expected at least one number in '[...]')");
    if (token.kind == Token::Kind::EndOfLine) cursor.fail(open, "'[' is never closed (expected ']')");
    row.push_back(parse_number(cursor, token, "matrix entry"));
    tokens.push_back(token);
    const Token& after = next_inside(cursor);
    if (after.kind == Token::Kind::Close) return row;
    if (after.kind != Token::Kind::Comma) {
      if (after.kind == Token::Kind::EndOfLine) cursor.fail(open, "'[' is never closed (expected ']')");
      cursor.fail(after, "expected ',' or ']' after a matrix entry, " + Cursor::got(after));
    }
  }
}

}  // namespace

Literal parse_literal(Cursor& cursor) {
  Literal literal;
  literal.first = cursor.next();
  if (literal.first.kind != Token::Kind::Open) {
    literal.entries.push_back(parse_number(cursor, literal.first, "value"));
    literal.entry_tokens.push_back(literal.first);
    return literal;
  }
  std::vector<std::vector<Rational>> rows;
  while (true) {
    const Token& open = next_inside(cursor);
    if (open.kind != Token::Kind::Open) {
      cursor.fail(open, "expected '[' to start a row (a matrix is written [[a, b], [c, d]]; a row vector [[a, b]]), " +
                            Cursor::got(open));
    }
    rows.push_back(parse_row(cursor, open, literal.entry_tokens));
    if (rows.size() > 1 && rows.back().size() != rows.front().size()) {
      const auto entries = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " entry" : " entries"); };
      cursor.fail(open, "row " + std::to_string(rows.size()) + " has " + entries(rows.back().size()) + ", row 1 has " +
                            entries(rows.front().size()) + " (expected rows of equal length)");
    }
    const Token& after = next_inside(cursor);
    if (after.kind == Token::Kind::Close) break;
    if (after.kind != Token::Kind::Comma) {
      if (after.kind == Token::Kind::EndOfLine) cursor.fail(literal.first, "'[' is never closed (expected ']')");
      cursor.fail(after, "expected ',' or ']' after a row, " + Cursor::got(after));
    }
  }
  literal.shape = {static_cast<int>(rows.size()), static_cast<int>(rows.front().size())};
  for (auto& row : rows) {
    for (auto& entry : row) literal.entries.push_back(std::move(entry));
  }
  return literal;
}

}  // namespace loopcert::isa::fleq::detail
