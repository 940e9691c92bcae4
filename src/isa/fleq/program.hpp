// A FLEQ program as loopcert holds it (FLEQ.md sections 1-2): cells holding real or
// integer matrices of declared shapes, the declared data bound and function ranges, and
// instructions FLEQ(a, b, c, m, flag, p): mem[c] = f_m(mem[a], mem[b]), then
// `if mem[flag] <= 0 goto p`. Plain data shared by the assembler, the exact machine and
// (later) the compiler.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/rational.hpp"

namespace loopcert::isa::fleq {

// The operations of FLEQ.md's table, plus the two that carry no function:
// `none` (a pure jump: no write) and `halt` (the fixed point that ends the run).
enum class Op {
  add, sub, matmul, tmatmul, scale, hadamard,   // exact, two operands
  copy, transpose,                              // exact, one operand
  sigmoid, exp, recip, sqrt, rsqrt,             // elementwise functions (MPFR), one operand
  none, halt,
};
inline constexpr int kOpCount = static_cast<int>(Op::halt) + 1;

// The scalar functions whose blocks are built for a declared argument range.
enum class Function { sigmoid, exp, recip, sqrt, rsqrt };
inline constexpr int kFunctionCount = 5;

const char* op_name(Op op);
const char* function_name(Function function);
bool is_function(Op op);             // sigmoid .. rsqrt
Function function_of(Op op);         // precondition: is_function(op)
int operand_count(Op op);            // 2, 1, or 0 for none / halt
std::optional<Op> op_from_name(const std::string& name);  // the operations only (not none/halt)

struct Shape {
  int rows = 1;
  int cols = 1;
  bool operator==(const Shape&) const = default;
  int size() const { return rows * cols; }
  std::string str() const { return std::to_string(rows) + "x" + std::to_string(cols); }
};

enum class CellKind { real, integer };

struct Cell {
  std::string name;
  CellKind kind = CellKind::real;
  Shape shape;
  std::vector<Rational> initial;  // row-major, shape.size() entries
  int line = 0;                   // declaration line, 0 when built by hand
};

// The closed argument interval [lo, hi] a function's block is built for.
struct Range {
  Rational lo;
  Rational hi;
  bool contains(const Rational& x) const { return lo <= x && x <= hi; }
};

// The branch part of an instruction. `never` falls through, `always` is `goto L`.
struct Branch {
  enum class Kind { never, if_le_zero, always };
  Kind kind = Kind::never;
  int flag = -1;    // cell index of an .int cell when kind == if_le_zero
  int target = -1;  // instruction index when kind != never
};

struct Instruction {
  Op op = Op::none;
  int a = -1;  // first operand cell, -1 when the op has none
  int b = -1;  // second operand cell, -1 when the op has one or none
  int c = -1;  // destination cell, -1 for none / halt
  Branch branch;
  int line = 0;  // source line (1-based) for diagnostics, 0 when unknown
};

struct FleqProgram {
  int k = 4;                      // a cell holds at most a k x k matrix
  Rational bound = 16;            // G: every entry of every real cell stays in [-G, G]
  Rational int_bound = 16;        // K: every .int cell stays in [-K, K] (default G)
  std::array<std::optional<Range>, kFunctionCount> ranges;  // declared or defaulted
  // ext: `.terms f M`, the number of sigmoids in f's block (0: the compiler's default).
  std::array<int, kFunctionCount> terms{};
  std::vector<Cell> cells;
  std::vector<Instruction> instructions;  // execution starts at 0; pc == size() halts
  std::string source;

  int cell_count() const { return static_cast<int>(cells.size()); }
  int instruction_count() const { return static_cast<int>(instructions.size()); }
  // Index of the cell called `name`, or -1.
  int cell_index(const std::string& name) const;
  const std::optional<Range>& range(Function f) const { return ranges[static_cast<int>(f)]; }
};

}  // namespace loopcert::isa::fleq
