// The `.fq` lexer and the pieces of syntax the assembler and the expect-line reader share
// (numbers, matrix literals). Private to isa/fleq.
#pragma once
#include <string>
#include <vector>

#include "core/rational.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq::detail {

// A word is any run of characters other than blanks, the punctuation below and the
// comment starters, so that bad words ("1x", "a-b") reach the parser whole.
struct Token {
  enum class Kind { Word, Comma, Colon, Equals, LessEqual, Open, Close, EndOfLine };
  Kind kind = Kind::EndOfLine;
  std::string text;
  int line = 0;
  int col = 0;  // 1-based
  std::string shown() const;  // the text as messages quote it (excerpt)
};

// The tokens of one line; comments (';' or '#' to the end of the line) dropped.
std::vector<Token> tokenize_line(const std::string& line, int line_number);

// Every line, each followed by an EndOfLine token.
std::vector<Token> tokenize(const std::string& text);

bool is_identifier(const std::string& text);
inline constexpr const char* kIdentifierRule =
    "an identifier: a letter or '_', then letters, digits or '_'";

// Reads tokens in order; every failure is an InputError at a token.
class Cursor {
 public:
  Cursor(const std::vector<Token>& tokens, std::string file) : tokens_(tokens), file_(std::move(file)) {}
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool at_end_of_line() const { return peek().kind == Token::Kind::EndOfLine; }
  bool done() const { return pos_ + 1 >= tokens_.size() && at_end_of_line(); }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const Token& at, const std::string& message) const;
  // The next token, which must be of `kind`; otherwise "expected WHAT, got ...".
  const Token& expect(Token::Kind kind, const std::string& what);
  // "got 'x'" or "got the end of the line", for messages.
  static std::string got(const Token& token);

 private:
  const std::vector<Token>& tokens_;
  std::string file_;
  std::size_t pos_ = 0;
};

// A number token: a decimal (3, -0.25, 1e-3) or INTEGER/INTEGER. `what` names it in
// the message ("entry", "bound").
Rational parse_number(Cursor& cursor, const Token& token, const std::string& what);

// A matrix literal: a number (a 1x1 matrix) or [[a, b], [c, d]] (rows of equal length,
// possibly over several lines). Entries row-major.
struct Literal {
  Shape shape;
  std::vector<Rational> entries;
  std::vector<Token> entry_tokens;  // one per entry, for messages about an entry
  Token first;                      // where it starts
};
Literal parse_literal(Cursor& cursor);

}  // namespace loopcert::isa::fleq::detail
