// The second pass of the `.fq` assembler: names to indices, then the checks that need
// every declaration (cell kinds, shapes, function ranges, labels).
#include <string>

#include "core/input_error.hpp"
#include "isa/fleq/detail/parsed.hpp"

namespace loopcert::isa::fleq::detail {
namespace {

// 'text' (appended piecewise: GCC 12 warns falsely on "'" + std::string temporaries).
std::string quote(const std::string& text) {
  std::string out;
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

class Resolver {
 public:
  Resolver(ParsedProgram& parsed, const std::string& file) : parsed_(parsed), program_(parsed.program), file_(file) {}

  FleqProgram run() {
    if (parsed_.statements.empty()) {
      throw InputError(file_, 0, 0, "program has no statements (expected at least one operation, jump or halt)");
    }
    if (!parsed_.pending_labels.empty()) {
      const Token& label = parsed_.pending_labels.front();
      fail(label, "label '" + label.shown() + "' is not followed by a statement (expected a statement after it, e.g. '" +
                      label.shown() + ": halt')");
    }
    default_ranges();
    for (const ParsedStatement& statement : parsed_.statements) program_.instructions.push_back(resolve(statement));
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw InputError(file_, at.line, at.col, message);
  }

  // sigmoid and sqrt have natural ranges inside the bound; exp, recip and rsqrt do not.
  void default_ranges() {
    auto& sigmoid = program_.ranges[static_cast<int>(Function::sigmoid)];
    if (!sigmoid) sigmoid = Range{-program_.bound, program_.bound};
    auto& sqrt = program_.ranges[static_cast<int>(Function::sqrt)];
    if (!sqrt) sqrt = Range{Rational(0), program_.bound};
  }

  const Cell& cell(int index) const { return program_.cells[static_cast<std::size_t>(index)]; }

  int cell_of(const Token& name) const {
    const auto it = parsed_.cells.find(name.text);
    if (it == parsed_.cells.end()) {
      fail(name, "undeclared cell '" + name.shown() + "' (expected a cell declared with '.real " + name.shown() +
                     " ...' or '.int " + name.shown() + " ...')");
    }
    return it->second.index;
  }

  std::string describe(const Token& name, int index) const { return quote(name.shown()) + " " + cell(index).shape.str(); }

  Branch branch_of(const ParsedStatement& statement) const {
    Branch branch;
    if (!statement.target) return branch;
    const auto it = parsed_.labels.find(statement.target->text);
    if (it == parsed_.labels.end()) {
      fail(*statement.target, "undefined label '" + statement.target->shown() + "' (expected a label defined as '" +
                                  statement.target->shown() + ":' before a statement)");
    }
    branch.target = it->second.index;
    branch.kind = Branch::Kind::always;
    if (statement.flag) {
      branch.kind = Branch::Kind::if_le_zero;
      branch.flag = cell_of(*statement.flag);
      if (cell(branch.flag).kind != CellKind::integer) {
        fail(*statement.flag, "flag cell '" + statement.flag->shown() +
                                  "' is a .real cell (expected an .int cell: the flag is exact only on integers)");
      }
    }
    return branch;
  }

  Instruction resolve(const ParsedStatement& statement) const {
    Instruction instruction;
    instruction.op = statement.op;
    instruction.line = statement.line;
    instruction.branch = branch_of(statement);
    if (statement.dest) {
      instruction.c = cell_of(*statement.dest);
      instruction.a = cell_of(*statement.a);
      if (statement.b) instruction.b = cell_of(*statement.b);
      check_kinds(statement, instruction);
      check_shapes(statement, instruction);
      check_range(statement);
    }
    return instruction;
  }

  // add, sub and copy keep .int cells .int; nothing else takes or gives one.
  void check_kinds(const ParsedStatement& s, const Instruction& in) const {
    const bool int_a = cell(in.a).kind == CellKind::integer;
    const bool int_b = in.b >= 0 && cell(in.b).kind == CellKind::integer;
    const bool int_c = cell(in.c).kind == CellKind::integer;
    const std::string op = op_name(in.op);
    const bool integer_op = in.op == Op::add || in.op == Op::sub || in.op == Op::copy;
    if (!integer_op) {
      const Token* bad = int_a ? &*s.a : int_b ? &*s.b : int_c ? &*s.dest : nullptr;
      if (bad != nullptr) {
        fail(*bad, "'" + bad->shown() + "' is an .int cell, but " + op +
                       " works on .real cells (expected .real cells; .int cells take add, sub and copy of .int cells)");
      }
      return;
    }
    const bool all_int = int_a && (in.b < 0 || int_b) && int_c;
    const bool all_real = !int_a && (in.b < 0 || !int_b) && !int_c;
    if (all_int || all_real) return;
    const Token& where = int_c != int_a ? *s.dest : *s.b;
    fail(where, op + " mixes .int and .real cells (" + kind_list(s, in) +
                    "; expected all .int, giving an .int result, or all .real)");
  }

  std::string kind_list(const ParsedStatement& s, const Instruction& in) const {
    const auto kind = [&](const Token& t, int i) {
      return quote(t.shown()) + (cell(i).kind == CellKind::integer ? " .int" : " .real");
    };
    std::string text = kind(*s.dest, in.c) + " = " + kind(*s.a, in.a);
    if (in.b >= 0) text += ", " + kind(*s.b, in.b);
    return text;
  }

  void check_shapes(const ParsedStatement& s, const Instruction& in) const {
    const Shape a = cell(in.a).shape;
    const Shape b = in.b >= 0 ? cell(in.b).shape : Shape{};
    const std::string op = op_name(in.op);
    const std::string both = " got " + describe(*s.a, in.a) + (in.b >= 0 ? " and " + describe(*s.b, in.b) : "");
    Shape result = a;
    switch (in.op) {
      case Op::add: case Op::sub: case Op::hadamard:
        if (!(a == b)) fail(*s.b, op + " needs operands of equal shape," + both);
        break;
      case Op::matmul:
        if (a.cols != b.rows) fail(*s.b, "matmul A, B needs A's columns = B's rows ((p x q)(q x r)):" + both);
        result = {a.rows, b.cols};
        break;
      case Op::tmatmul:
        if (a.rows != b.rows) fail(*s.b, "tmatmul A, B (A^T B) needs A and B with equal rows ((q x p)(q x r)):" + both);
        result = {a.cols, b.cols};
        break;
      case Op::scale:
        if (!(a == Shape{})) fail(*s.a, "scale s, B needs a 1x1 factor s," + both);
        result = b;
        break;
      case Op::transpose:
        result = {a.cols, a.rows};
        break;
      default:
        break;
    }
    const Shape c = cell(in.c).shape;
    if (!(c == result)) {
      fail(*s.dest, "destination " + describe(*s.dest, in.c) + " does not fit the result: " + op + " gives " +
                        result.str() + " (expected a " + result.str() + " destination)");
    }
  }

  void check_range(const ParsedStatement& s) const {
    if (!is_function(s.op)) return;
    const Function f = function_of(s.op);
    if (!program_.range(f)) {
      const std::string name = function_name(f);
      fail(s.op_token, name + " is used but has no declared argument range (expected a line '.range " + name +
                       " LO..HI' giving the range its block is built for)");
    }
  }

  ParsedProgram& parsed_;
  FleqProgram& program_;
  const std::string& file_;
};

}  // namespace

FleqProgram resolve(ParsedProgram parsed, const std::string& file) { return Resolver(parsed, file).run(); }

}  // namespace loopcert::isa::fleq::detail
