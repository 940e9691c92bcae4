#include "isa/fleq/expect.hpp"

#include <sstream>

#include "isa/fleq/detail/lexer.hpp"

namespace loopcert::isa::fleq {
namespace {

using detail::Token;

// The tokens after the comment starter of `line` when it reads `; expect ...`, with
// columns of the whole line; empty otherwise.
std::vector<Token> expect_tokens(const std::string& line, int number) {
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos || (line[start] != ';' && line[start] != '#')) return {};
  std::vector<Token> tokens = detail::tokenize_line(line.substr(start + 1), number);
  if (tokens.empty() || tokens[0].kind != Token::Kind::Word || tokens[0].text != "expect") return {};
  for (Token& token : tokens) token.col += static_cast<int>(start) + 1;
  tokens.push_back({Token::Kind::EndOfLine, "", number, static_cast<int>(line.size()) + 1});
  return tokens;
}

Expectation parse_one(const std::vector<Token>& tokens, const std::string& file) {
  detail::Cursor in(tokens, file);
  in.next();  // expect
  Expectation expectation;
  const Token& name = in.expect(Token::Kind::Word, "a cell name after 'expect' (as in '; expect X = 1/2')");
  expectation.cell = name.text;
  expectation.line = name.line;
  in.expect(Token::Kind::Equals, "'=' after the cell name");
  const detail::Literal literal = detail::parse_literal(in);
  expectation.value = Matrix(literal.shape, literal.entries);
  if (in.peek().kind == Token::Kind::Word && in.peek().text == "within") {
    in.next();
    const Token& tolerance = in.expect(Token::Kind::Word, "a tolerance after 'within'");
    expectation.tolerance = detail::parse_number(in, tolerance, "tolerance");
    if (expectation.tolerance < 0) in.fail(tolerance, "negative tolerance (expected TOL >= 0)");
  }
  in.expect(Token::Kind::EndOfLine, "the end of the expect line (or 'within TOL')");
  return expectation;
}

bool close_enough(const Rational& x, const Rational& v, const Rational& tolerance) {
  const Rational scale = abs(v) > 1 ? Rational(abs(v)) : Rational(1);
  return abs(x - v) <= tolerance * scale;
}

}  // namespace

std::vector<Expectation> parse_expectations(const std::string& text, const std::string& file) {
  std::vector<Expectation> out;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const std::vector<Token> tokens = expect_tokens(line, number);
    if (!tokens.empty()) out.push_back(parse_one(tokens, file));
  }
  return out;
}

std::vector<std::string> expectation_failures(const FleqProgram& program, const RunResult& run,
                                              const std::vector<Expectation>& expectations) {
  std::vector<std::string> failures;
  if (run.error) failures.push_back("the machine left its domain: " + run.error->message);
  else if (!run.halted) failures.push_back("the machine did not halt within " + std::to_string(run.steps) + " steps");
  for (const Expectation& e : expectations) {
    const std::string where = "line " + std::to_string(e.line) + ": " + e.cell;
    Matrix actual;
    if (e.cell == "steps") {
      actual = Matrix(Shape{}, {Rational(run.steps)});
    } else if (program.cell_index(e.cell) < 0) {
      failures.push_back(where + " is not a cell of the program");
      continue;
    } else {
      actual = cell_value(program, run.final_state(), e.cell);
    }
    if (!(actual.shape == e.value.shape)) {
      failures.push_back(where + " is " + actual.shape.str() + ", expected " + e.value.shape.str());
      continue;
    }
    for (std::size_t i = 0; i < actual.entries.size(); ++i) {
      if (!close_enough(actual.entries[i], e.value.entries[i], e.tolerance)) {
        failures.push_back(where + " entry " + std::to_string(i + 1) + " is " + to_string(actual.entries[i]) +
                           ", expected " + to_string(e.value.entries[i]) + " within " + to_string(e.tolerance) +
                           " (off by " + to_string(Rational(abs(actual.entries[i] - e.value.entries[i]))) + ")");
      }
    }
  }
  return failures;
}

}  // namespace loopcert::isa::fleq
