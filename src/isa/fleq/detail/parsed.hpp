// What the `.fq` parser hands to the resolver: declarations done, names not yet resolved
// (cells and labels may be used before they are declared). Private to isa/fleq.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isa/fleq/detail/lexer.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq::detail {

struct ParsedStatement {
  Op op = Op::none;
  Token head;                       // the first token after the labels
  Token op_token;                   // the operation's name, for C = OP ...
  std::optional<Token> dest, a, b;  // cell names as written
  std::optional<Token> flag;        // `if F <= 0 goto L`
  std::optional<Token> target;      // the label of `goto L` or of the if-clause
  int line = 0;
};

struct Place {
  int index = 0;
  int line = 0;
};

struct ParsedProgram {
  FleqProgram program;  // k, bounds, declared ranges, cells, source; no instructions yet
  std::map<std::string, Place> cells;
  std::map<std::string, Place> labels;
  std::vector<Token> pending_labels;  // labels not yet followed by a statement
  std::vector<ParsedStatement> statements;
};

// Resolves names, checks kinds, shapes and ranges, and returns the program.
FleqProgram resolve(ParsedProgram parsed, const std::string& file);

}  // namespace loopcert::isa::fleq::detail
