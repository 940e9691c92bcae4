// The .fq assembler (src/isa/fleq/assembler.hpp) and the expect-line reader: one test
// per error kind with the whole message, file:line:col included, as the user sees it
// (exit code 2 for these belongs to the CLI and is tested there), then what valid
// programs assemble to.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "core/input_error.hpp"
#include "error_message.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/expect.hpp"

using namespace loopcert;
using namespace loopcert::isa::fleq;
using loopcert::testing::message_of;

namespace {

std::string fq_error(const std::string& text) {
  return message_of<InputError>([&] { assemble_fq(text, "t.fq"); });
}

}  // namespace

TEST_CASE("fq assembler error: an unknown operation", "[fleq][assembler]") {
  CHECK(fq_error(".real a\n.real b\nb = frob a\n") ==
        "t.fq:3:5: error: unknown operation 'frob' (expected add, sub, matmul, tmatmul, scale, hadamard, copy, transpose, sigmoid, exp, recip, sqrt or rsqrt)");
}

TEST_CASE("fq assembler error: an unknown statement", "[fleq][assembler]") {
  CHECK(fq_error(".real a\nfrob a\n") ==
        "t.fq:2:1: error: unknown statement 'frob' (expected 'C = OP A, B', 'C = OP A', 'if F <= 0 goto L', 'goto L', 'halt', or a directive .k, .bound, .intbound, .range, .terms, .real, .int)");
}

TEST_CASE("fq assembler error: an unknown directive", "[fleq][assembler]") {
  CHECK(fq_error(".reals a\n") ==
        "t.fq:1:1: error: unknown directive '.reals' (expected .k, .bound, .intbound, .range, .terms, .real or .int)");
}

TEST_CASE("fq assembler error: an undeclared cell", "[fleq][assembler]") {
  CHECK(fq_error(".real a\nb = copy a\n") ==
        "t.fq:2:1: error: undeclared cell 'b' (expected a cell declared with '.real b ...' or '.int b ...')");
}

TEST_CASE("fq assembler error: elementwise shapes differ", "[fleq][assembler]") {
  CHECK(fq_error(".real a 2x2\n.real b 2x1\n.real c 2x2\nc = add a, b\n") ==
        "t.fq:4:12: error: add needs operands of equal shape, got 'a' 2x2 and 'b' 2x1");
}

TEST_CASE("fq assembler error: matmul inner dimensions differ", "[fleq][assembler]") {
  CHECK(fq_error(".real a 2x3\n.real b 2x3\n.real c 2x3\nc = matmul a, b\n") ==
        "t.fq:4:15: error: matmul A, B needs A's columns = B's rows ((p x q)(q x r)): got 'a' 2x3 and 'b' 2x3");
}

TEST_CASE("fq assembler error: tmatmul row counts differ", "[fleq][assembler]") {
  CHECK(fq_error(".real a 2x3\n.real b 3x3\n.real c 3x3\nc = tmatmul a, b\n") ==
        "t.fq:4:16: error: tmatmul A, B (A^T B) needs A and B with equal rows ((q x p)(q x r)): got 'a' 2x3 and 'b' 3x3");
}

TEST_CASE("fq assembler error: a scale factor that is not 1x1", "[fleq][assembler]") {
  CHECK(fq_error(".real s 2x1\n.real b 2x2\nb = scale s, b\n") ==
        "t.fq:3:11: error: scale s, B needs a 1x1 factor s, got 's' 2x1 and 'b' 2x2");
}

TEST_CASE("fq assembler error: a destination of the wrong shape", "[fleq][assembler]") {
  CHECK(fq_error(".real a 2x3\n.real c 2x3\nc = transpose a\n") ==
        "t.fq:3:1: error: destination 'c' 2x3 does not fit the result: transpose gives 3x2 (expected a 3x2 destination)");
}

TEST_CASE("fq assembler error: a real flag cell", "[fleq][assembler]") {
  CHECK(fq_error(".real f\n.real a\na = copy a if f <= 0 goto x\nx: halt\n") ==
        "t.fq:3:15: error: flag cell 'f' is a .real cell (expected an .int cell: the flag is exact only on integers)");
}

TEST_CASE("fq assembler error: an .int cell in a real operation", "[fleq][assembler]") {
  CHECK(fq_error(".int i\n.real a\na = sigmoid i\n") ==
        "t.fq:3:13: error: 'i' is an .int cell, but sigmoid works on .real cells (expected .real cells; .int cells take add, sub and copy of .int cells)");
}

TEST_CASE("fq assembler error: .int and .real mixed in add", "[fleq][assembler]") {
  CHECK(fq_error(".int i\n.real a\n.int j\nj = add i, a\n") ==
        "t.fq:4:12: error: add mixes .int and .real cells ('j' .int = 'i' .int, 'a' .real; expected all .int, giving an .int result, or all .real)");
}

TEST_CASE("fq assembler error: a literal that does not fit the declared shape", "[fleq][assembler]") {
  CHECK(fq_error(".real a 2x2 = [[1, 2, 3], [4, 5, 6]]\n") ==
        "t.fq:1:15: error: the literal is 2x3 but a is declared 2x2 (expected a literal of the declared shape)");
}

TEST_CASE("fq assembler error: ragged literal rows", "[fleq][assembler]") {
  CHECK(fq_error(".real a = [[1, 2], [3]]\n") ==
        "t.fq:1:20: error: row 2 has 1 entry, row 1 has 2 entries (expected rows of equal length)");
}

TEST_CASE("fq assembler error: an entry beyond .bound", "[fleq][assembler]") {
  CHECK(fq_error(".bound 8\n.real a = [[1, 9]]\n") ==
        "t.fq:2:16: error: entry '9' is beyond .bound 8 (expected a value in [-8, 8])");
}

TEST_CASE("fq assembler error: an .int value beyond .intbound", "[fleq][assembler]") {
  CHECK(fq_error(".int i = 17\n") ==
        "t.fq:1:10: error: entry '17' is beyond .intbound 16 (expected a value in [-16, 16])");
}

TEST_CASE("fq assembler error: an .int value that is not an integer", "[fleq][assembler]") {
  CHECK(fq_error(".int i = 1/2\n") ==
        "t.fq:1:10: error: .int value '1/2' is not an integer (expected e.g. 3 or -9)");
}

TEST_CASE("fq assembler error: a recip range containing 0", "[fleq][assembler]") {
  CHECK(fq_error(".range recip -1..1\n") ==
        "t.fq:1:14: error: recip range '-1..1' contains 0 (expected a range on one side of 0: 1/x is unbounded there)");
}

TEST_CASE("fq assembler error: a sqrt range below 0", "[fleq][assembler]") {
  CHECK(fq_error(".range sqrt -1/4..4\n") ==
        "t.fq:1:13: error: sqrt range '-1/4..4' reaches below 0 (expected LO >= 0)");
}

TEST_CASE("fq assembler error: an rsqrt range reaching 0", "[fleq][assembler]") {
  CHECK(fq_error(".range rsqrt 0..4\n") ==
        "t.fq:1:14: error: rsqrt range '0..4' reaches 0 or below (expected LO > 0)");
}

TEST_CASE("fq assembler error: a declared shape above k", "[fleq][assembler]") {
  CHECK(fq_error(".k 2\n.real a 3x2\n") ==
        "t.fq:2:7: error: cell 'a' is 3x2, above the cell size .k = 2 (expected at most 2x2, or a larger .k before the cells)");
}

TEST_CASE("fq assembler error: a literal above k", "[fleq][assembler]") {
  CHECK(fq_error(".k 2\n.real a = [[1, 2, 3]]\n") ==
        "t.fq:2:7: error: cell 'a' is 1x3, above the cell size .k = 2 (expected at most 2x2, or a larger .k before the cells)");
}

TEST_CASE("fq assembler error: a function used without a range", "[fleq][assembler]") {
  CHECK(fq_error(".real a\na = recip a\n") ==
        "t.fq:2:5: error: recip is used but has no declared argument range (expected a line '.range recip LO..HI' giving the range its block is built for)");
}

TEST_CASE("fq assembler error: a number dividing by zero", "[fleq][assembler]") {
  CHECK(fq_error(".real a = 1/0\n") ==
        "t.fq:1:11: error: value '1/0' divides by zero");
}

TEST_CASE("fq assembler error: a matrix entry that is not a number", "[fleq][assembler]") {
  CHECK(fq_error(".real a = [[1, x]]\n") ==
        "t.fq:1:16: error: matrix entry 'x' is not a number (expected e.g. 3, -0.25, 1e-3 or 7/2)");
}

TEST_CASE("fq assembler error: an unclosed bracket", "[fleq][assembler]") {
  CHECK(fq_error(".real a = [[1, 2]\n") ==
        "t.fq:1:11: error: '[' is never closed (expected ']')");
}

TEST_CASE("fq assembler error: an unclosed bracket before the next statement", "[fleq][assembler]") {
  CHECK(fq_error(".real a = [[1, 2], [3, 4]\nhalt\n") ==
        "t.fq:2:1: error: expected ',' or ']' after a row, got 'halt'");
}

TEST_CASE("fq assembler error: a duplicate cell", "[fleq][assembler]") {
  CHECK(fq_error(".real a\n.real a\n") ==
        "t.fq:2:7: error: duplicate cell 'a' (first declared at line 1; expected each cell once)");
}

TEST_CASE("fq assembler error: a duplicate label", "[fleq][assembler]") {
  CHECK(fq_error("l: halt\nl: halt\n") ==
        "t.fq:2:1: error: duplicate label 'l' (first defined at line 1; expected each label once)");
}

TEST_CASE("fq assembler error: an undefined label", "[fleq][assembler]") {
  CHECK(fq_error("goto nowhere\n") ==
        "t.fq:1:6: error: undefined label 'nowhere' (expected a label defined as 'nowhere:' before a statement)");
}

TEST_CASE("fq assembler error: no statements", "[fleq][assembler]") {
  CHECK(fq_error(".real a\n") ==
        "t.fq: error: program has no statements (expected at least one operation, jump or halt)");
}

TEST_CASE("fq assembler error: a label with no statement after it", "[fleq][assembler]") {
  CHECK(fq_error("halt\nend:\n") ==
        "t.fq:2:1: error: label 'end' is not followed by a statement (expected a statement after it, e.g. 'end: halt')");
}

TEST_CASE("fq assembler error: .k after a cell", "[fleq][assembler]") {
  CHECK(fq_error(".real a\n.k 4\n") ==
        "t.fq:2:1: error: .k after a cell or statement (line 1; expected .k before any .real, .int or statement)");
}

TEST_CASE("fq assembler error: .k twice", "[fleq][assembler]") {
  CHECK(fq_error(".k 2\n.k 3\n") ==
        "t.fq:2:1: error: .k given twice (first at line 1; expected it at most once)");
}

TEST_CASE("fq assembler error: a bad .k value", "[fleq][assembler]") {
  CHECK(fq_error(".k 0\n") ==
        "t.fq:1:4: error: bad .k value '0' (expected an integer from 1 to 64)");
}

TEST_CASE("fq assembler error: a non-positive .bound", "[fleq][assembler]") {
  CHECK(fq_error(".bound -1\n") ==
        "t.fq:1:8: error: .bound must be positive, got '-1' (expected G > 0)");
}

TEST_CASE("fq assembler error: '<' instead of '<='", "[fleq][assembler]") {
  CHECK(fq_error(".int i\nif i < 0 goto l\nl: halt\n") ==
        "t.fq:2:6: error: expected '<=' after the flag cell (FLEQ branches on 'if F <= 0 goto L'), got '<'");
}

TEST_CASE("fq assembler error: a comparison with a value other than 0", "[fleq][assembler]") {
  CHECK(fq_error(".int i\nif i <= 1 goto l\nl: halt\n") ==
        "t.fq:2:9: error: expected '0' after '<=' (FLEQ compares with 0 only), got '1'");
}

TEST_CASE("fq assembler error: a missing 'goto'", "[fleq][assembler]") {
  CHECK(fq_error(".int i\nif i <= 0 jump l\nl: halt\n") ==
        "t.fq:2:11: error: expected 'goto' after '<= 0', got 'jump'");
}

TEST_CASE("fq assembler error: a missing second operand", "[fleq][assembler]") {
  CHECK(fq_error(".real a\n.real b\nb = add a\n") ==
        "t.fq:3:10: error: expected ',' and a second operand (add takes two: 'C = add A, B'), got the end of the line");
}

TEST_CASE("fq assembler error: an extra operand", "[fleq][assembler]") {
  CHECK(fq_error(".real a\n.real b\nb = sqrt a, b\n") ==
        "t.fq:3:11: error: sqrt takes one operand (expected 'C = sqrt A')");
}

TEST_CASE("fq assembler error: text after a statement", "[fleq][assembler]") {
  CHECK(fq_error("halt now\n") ==
        "t.fq:1:6: error: expected the end of the statement, got 'now'");
}

TEST_CASE("fq assembler error: an empty range", "[fleq][assembler]") {
  CHECK(fq_error(".range exp 2..1\n") ==
        "t.fq:1:12: error: range '2..1' is empty (expected LO <= HI)");
}

TEST_CASE("fq assembler error: a range without ..", "[fleq][assembler]") {
  CHECK(fq_error(".range exp 1-2\n") ==
        "t.fq:1:12: error: expected a range LO..HI such as 1/4..4, got '1-2'");
}

TEST_CASE("fq assembler error: a range for an operation that has none", "[fleq][assembler]") {
  CHECK(fq_error(".range add 1..2\n") ==
        "t.fq:1:8: error: 'add' is not a function with a range (expected sigmoid, exp, recip, sqrt or rsqrt)");
}

TEST_CASE("fq assembler error: a second range for a function", "[fleq][assembler]") {
  CHECK(fq_error(".range exp 0..1\n.range exp 0..2\n") ==
        "t.fq:2:8: error: second .range for exp (expected at most one per function)");
}

TEST_CASE("fq assembler error: a malformed shape", "[fleq][assembler]") {
  CHECK(fq_error(".real a 3by3\n") ==
        "t.fq:1:9: error: expected '=' and a value, or a shape ROWSxCOLS such as 3x3, got '3by3'");
}

TEST_CASE("fq assembler error: an .int cell with a shape", "[fleq][assembler]") {
  CHECK(fq_error(".int i 2x2\n") ==
        "t.fq:1:8: error: .int cells are 1x1 (expected '.int NAME' or '.int NAME = VALUE')");
}

TEST_CASE("fq assembler error: a keyword as a cell name", "[fleq][assembler]") {
  CHECK(fq_error(".real if\n") ==
        "t.fq:1:7: error: bad cell name 'if' (expected a cell name: an identifier: a letter or '_', then letters, digits or '_', not if/goto/halt)");
}

TEST_CASE("fq assembler error: a bad label name", "[fleq][assembler]") {
  CHECK(fq_error("1x: halt\n") ==
        "t.fq:1:1: error: bad label name '1x' (expected an identifier: a letter or '_', then letters, digits or '_', not if/goto/halt)");
}

TEST_CASE("fq assembler error: a label on a directive", "[fleq][assembler]") {
  CHECK(fq_error("l: .real a\n") ==
        "t.fq:1:1: error: label 'l' is on a .real directive (expected labels before statements only)");
}

TEST_CASE("fq assembler error: a single-bracket literal", "[fleq][assembler]") {
  CHECK(fq_error(".real a = [1, 2]\n") ==
        "t.fq:1:12: error: expected '[' to start a row (a matrix is written [[a, b], [c, d]]; a row vector [[a, b]]), got '1'");
}

TEST_CASE("fq assembler error: a malformed expect line", "[fleq][assembler]") {
  CHECK(message_of<InputError>([] { parse_expectations(".real x\n; expect x 3\n", "t.fq"); }) ==
        "t.fq:2:12: error: expected '=' after the cell name, got '3'");
}

TEST_CASE("fq assembler error: a line starting with a colon", "[fleq][assembler]") {
  CHECK(fq_error(": halt\n") ==
        "t.fq:1:1: error: unexpected ':' (expected 'C = OP A, B', 'C = OP A', 'if F <= 0 goto L', 'goto L', 'halt', or a directive .k, .bound, .intbound, .range, .terms, .real, .int)");
}

TEST_CASE("fq assembler error: an unreadable file names it", "[fleq][assembler]") {
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK(message_of<InputError>([&] { load_fq(dir); }) == dir + ": error: is a directory (expected a readable .fq file)");
}

TEST_CASE("fq assembler error: bytes outside printable ASCII are shown escaped", "[fleq][assembler]") {
  CHECK(fq_error(std::string(".real a\x01 2x2\n")) ==
        "t.fq:1:7: error: bad cell name 'a\\x01' (expected a cell name: an identifier: a letter or '_', then letters, "
        "digits or '_', not if/goto/halt)");
}

TEST_CASE("fq assembler: FLEQ.md's example assembles to its instructions", "[fleq][assembler]") {
  const FleqProgram p = assemble_fq(
      "; comment\n# another\n.k 4\n.bound 16\n.range recip 1/4..4\n"
      ".real A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]]\n.real alpha = 1/25\n.real v = [[1], [0], [0]]\n"
      ".real X 3x3\n.real T 3x3\n.real U 3x3\n.real X2 3x3\n.int  i = -9\n.int  one = 1\n"
      "        T = transpose A\n        X = scale alpha, T\n"
      "loop:   T = matmul A, X\n        U = matmul X, T\n        X2 = add X, X\n        X = sub X2, U\n"
      "        i = add i, one  if i <= 0 goto loop\n"
      "        if i <= 0 goto loop\n        goto loop\n        halt\n",
      "t.fq");
  CHECK(p.k == 4);
  CHECK(p.bound == 16);
  CHECK(p.int_bound == 16);
  REQUIRE(p.cell_count() == 9);
  CHECK(p.cells[0].shape == Shape{3, 3});
  CHECK(p.cells[0].initial[1] == 1);
  CHECK(p.cells[1].initial[0] == Rational(1, 25));
  CHECK(p.cells[2].shape == Shape{3, 1});
  CHECK(p.cells[7].kind == CellKind::integer);
  CHECK(p.cells[7].initial[0] == -9);
  REQUIRE(p.instruction_count() == 10);
  CHECK(p.instructions[9].op == Op::halt);
  const Instruction& scale = p.instructions[1];
  CHECK(scale.op == Op::scale);
  CHECK((scale.a == 1 && scale.b == 4 && scale.c == 3));  // alpha, T -> X
  CHECK(scale.branch.kind == Branch::Kind::never);
  CHECK(scale.line == 16);
  const Instruction& count = p.instructions[6];
  CHECK(count.op == Op::add);
  CHECK(count.branch.kind == Branch::Kind::if_le_zero);
  CHECK(count.branch.flag == 7);
  CHECK(count.branch.target == 2);
  CHECK(p.instructions[7].op == Op::none);
  CHECK(p.instructions[7].branch.kind == Branch::Kind::if_le_zero);
  CHECK(p.instructions[8].op == Op::none);
  CHECK(p.instructions[8].branch.kind == Branch::Kind::always);
  CHECK(p.instructions[8].branch.target == 2);
  CHECK(p.range(Function::recip)->lo == Rational(1, 4));
  CHECK(p.range(Function::sigmoid)->lo == -16);  // defaults: sigmoid [-G, G], sqrt [0, G]
  CHECK(p.range(Function::sqrt)->hi == 16);
  CHECK_FALSE(p.range(Function::exp));
}

TEST_CASE("fq assembler: literals over several lines, labels alone on a line, decimals", "[fleq][assembler]") {
  const FleqProgram p = assemble_fq(
      ".bound 5/2\n.real M = [[1, -0.5],\n           [1e-3, 2.5]]   ; a comment inside\n.int n\n"
      "start:\nagain: M = copy M\n      halt\n",
      "t.fq");
  REQUIRE(p.cell_count() == 2);
  CHECK(p.cells[0].initial == std::vector<Rational>{1, Rational(-1, 2), Rational(1, 1000), Rational(5, 2)});
  CHECK(p.int_bound == 2);  // the default K: G rounded down
  CHECK(p.cells[1].initial[0] == 0);
  REQUIRE(p.instruction_count() == 2);
  CHECK(p.instructions[1].op == Op::halt);
}

TEST_CASE("fq assembler: every example assembles", "[fleq][assembler]") {
  int count = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::filesystem::path(LOOPCERT_SOURCE_DIR) / "examples/fleq")) {
    if (entry.path().extension() != ".fq") continue;
    INFO(entry.path().string());
    CHECK_NOTHROW(load_fq(entry.path().string()));
    ++count;
  }
  CHECK(count >= 20);
}

TEST_CASE("fq assembler: blanks are optional around punctuation", "[fleq][assembler]") {
  const FleqProgram p = assemble_fq(".int i=-1\n.int one=1\nl:i=add i,one if i<=0 goto l\n", "t.fq");
  REQUIRE(p.instruction_count() == 1);
  CHECK(p.instructions[0].branch.kind == Branch::Kind::if_le_zero);
  CHECK(p.instructions[0].branch.target == 0);
  CHECK(p.cells[0].initial[0] == -1);
}

TEST_CASE("fq assembler: .terms (ext) sets a function's number of sigmoids, with its errors", "[fleq][assembler]") {
  const FleqProgram p = assemble_fq(".terms recip 48\n.range recip 1/2..2\n.real x = 1\n        x = recip x\n", "t.fq");
  CHECK(p.terms[static_cast<int>(Function::recip)] == 48);
  CHECK(p.terms[static_cast<int>(Function::exp)] == 0);
  CHECK(fq_error(".terms sigmoid 4\n") ==
        "t.fq:1:8: error: 'sigmoid' takes no .terms (expected exp, recip, sqrt or rsqrt; sigmoid is exact with one term)");
  CHECK(fq_error(".terms exp 0\n") == "t.fq:1:12: error: bad .terms value '0' (expected an integer from 1 to 256)");
  CHECK(fq_error(".terms exp 8\n.terms exp 9\n") == "t.fq:2:8: error: second .terms for exp (expected at most one per function)");
}
