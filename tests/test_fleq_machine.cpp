// Tests for the exact FLEQ machine (src/isa/fleq/machine.hpp): every operation on values
// computed by hand, the domain checks, halting, the size guard, the block-exact hook,
// every example's `; expect` lines, and the .sq examples rewritten as .fq agreeing with
// the SUBLEQ machine step by step.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/input_file.hpp"
#include "isa/fleq/assembler.hpp"
#include "isa/fleq/expect.hpp"
#include "isa/fleq/machine.hpp"
#include "isa/fleq/summary.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/machine.hpp"

namespace fs = std::filesystem;
using namespace loopcert;
using namespace loopcert::isa::fleq;

namespace {

const fs::path kExamples = fs::path(LOOPCERT_SOURCE_DIR) / "examples";
constexpr std::int64_t kGenerousSteps = 1'000'000;

RunResult run_text(const std::string& text, const MachineOptions& options = {}) {
  return run_fleq_machine(assemble_fq(text, "t.fq"), kGenerousSteps, options);
}

Matrix final_cell(const std::string& text, const std::string& cell, const MachineOptions& options = {}) {
  const FleqProgram program = assemble_fq(text, "t.fq");
  const RunResult run = run_fleq_machine(program, kGenerousSteps, options);
  INFO((run.error ? run.error->message : std::string("no error")));
  REQUIRE(run.halted);
  return cell_value(program, run.final_state(), cell);
}

Matrix rows(Shape shape, std::vector<Rational> entries) { return Matrix(shape, std::move(entries)); }
Rational q(long n, long d = 1) { return Rational(n, d); }

const std::string kOperands =
    ".bound 64\n"
    ".real A = [[1, 2], [3, 4]]\n"
    ".real B = [[0, 1], [-1, 1/2]]\n"
    ".real v = [[1], [-2]]\n"
    ".real s = 3/2\n"
    ".real C 2x2\n"
    ".real w 2x1\n";

}  // namespace

TEST_CASE("fleq machine: each exact operation on hand-computed values", "[fleq]") {
  CHECK(final_cell(kOperands + "C = add A, B\n", "C") == rows({2, 2}, {1, 3, 2, q(9, 2)}));
  CHECK(final_cell(kOperands + "C = sub A, B\n", "C") == rows({2, 2}, {1, 1, 4, q(7, 2)}));
  // A B = [[1*0 + 2*-1, 1*1 + 2*1/2], [3*0 + 4*-1, 3*1 + 4*1/2]]
  CHECK(final_cell(kOperands + "C = matmul A, B\n", "C") == rows({2, 2}, {-2, 2, -4, 5}));
  // A^T B = [[1*0 + 3*-1, 1*1 + 3*1/2], [2*0 + 4*-1, 2*1 + 4*1/2]]
  CHECK(final_cell(kOperands + "C = tmatmul A, B\n", "C") == rows({2, 2}, {-3, q(5, 2), -4, 4}));
  CHECK(final_cell(kOperands + "w = matmul A, v\n", "w") == rows({2, 1}, {-3, -5}));
  CHECK(final_cell(kOperands + "C = scale s, A\n", "C") == rows({2, 2}, {q(3, 2), 3, q(9, 2), 6}));
  CHECK(final_cell(kOperands + "C = hadamard A, B\n", "C") == rows({2, 2}, {0, 2, -3, 2}));
  CHECK(final_cell(kOperands + "C = copy B\n", "C") == rows({2, 2}, {0, 1, -1, q(1, 2)}));
  CHECK(final_cell(kOperands + "C = transpose A\n", "C") == rows({2, 2}, {1, 3, 2, 4}));
}

TEST_CASE("fleq machine: the scalar functions at 256 bits", "[fleq]") {
  const std::string text =
      ".range recip 1/4..4\n.range rsqrt 1/4..4\n.range exp -2..2\n"
      ".real x = [[4, 1/4]]\n.real z = [[0, 1]]\n.real y 1x2\n";
  // Values exact in binary come out exact.
  CHECK(final_cell(text + "y = recip x\n", "y") == rows({1, 2}, {q(1, 4), 4}));
  CHECK(final_cell(text + "y = sqrt x\n", "y") == rows({1, 2}, {2, q(1, 2)}));
  CHECK(final_cell(text + "y = rsqrt x\n", "y") == rows({1, 2}, {q(1, 2), 2}));
  CHECK(final_cell(text + "y = sigmoid z\n", "y").entries[0] == q(1, 2));
  CHECK(final_cell(text + "y = exp z\n", "y").entries[0] == 1);
  // e and sigmoid(1) within one ulp at 256 bits of their 85-digit values (mpmath).
  const Matrix e = final_cell(text + "y = exp z\n", "y");
  const Rational e60 = parse_rational("2.718281828459045235360287471352662497757247093699959574966967627724076630353547594571");
  CHECK(abs(e.entries[1] - e60) <= pow2(-255));
  const Matrix s = final_cell(text + "y = sigmoid z\n", "y");
  const Rational s60 = parse_rational("0.7310585786300048792511592418218362743651446401650565192763659079190404530702046393875");
  CHECK(abs(s.entries[1] - s60) <= pow2(-256));
  // 1/3 is not a binary fraction: recip(3) is within one ulp of 1/3 at 256 bits.
  const Matrix third = final_cell(".range recip 1..4\n.real x = 3\n.real y\ny = recip x\n", "y");
  CHECK(third.entries[0] != q(1, 3));
  CHECK(abs(third.entries[0] - q(1, 3)) <= pow2(-256 - 1));
}

TEST_CASE("fleq machine: branches read the flag after the write, halt and falling off halt", "[fleq]") {
  const std::string text =
      ".int i = -2\n.int one = 1\n.int n = 0\n"
      "loop: i = add i, one if i <= 0 goto loop\n"  // i: -1, 0 (jumps), 1 (falls through)
      "      n = add n, one\n"
      "      goto end\n"
      "      n = add n, one\n"  // skipped
      "end:  if n <= 0 goto loop\n"
      "      halt\n"
      "      n = add n, one\n";  // never reached
  const FleqProgram program = assemble_fq(text, "t.fq");
  const RunResult run = run_fleq_machine(program, 100, {}, true);
  REQUIRE(run.halted);
  CHECK(run.steps == 3 + 3);  // three adds of i, then n, goto, if
  CHECK(cell_value(program, run.final_state(), "i").entries[0] == 1);
  CHECK(cell_value(program, run.final_state(), "n").entries[0] == 1);
  CHECK(run.final_state().pc == 5);
  CHECK(run.states.size() == 7);
  CHECK(run.states[1].pc == 0);  // i = -1 <= 0: back to loop
  CHECK(run.states[3].pc == 1);  // i = 1: next

  const RunResult limited = run_fleq_machine(program, 2);
  CHECK_FALSE(limited.halted);
  CHECK(limited.steps == 2);
  CHECK_FALSE(limited.error);

  const RunResult off = run_text(".int a = 1\n.int b = 2\na = add a, b\nb = sub b, a\n");
  CHECK(off.halted);
  CHECK(off.steps == 2);
  CHECK(off.final_state().pc == 2);
}

TEST_CASE("fleq machine: leaving the domain stops it with a reason", "[fleq]") {
  SECTION(".bound") {
    const RunResult run = run_text(".real x = 5\nloop: x = add x, x\ngoto loop\n");
    REQUIRE(run.error);
    CHECK(run.error->kind == DomainError::Kind::bound);
    CHECK(run.error->step == 2);  // x = 10 (ok), goto, then x = 20 > 16
    CHECK(run.error->value == 20);
    CHECK(run.error->message == "step 2 (instruction 0, line 2, add): 'x' = 20 is beyond .bound 16");
    CHECK_FALSE(run.halted);
    CHECK(run.final_state().cells[0].entries[0] == 10);  // the state before the failing step
  }
  SECTION("a function's range") {
    const RunResult run = run_text(".range recip 1/4..4\n.real x = [[1, 1/2], [8, 2]]\n.real y 2x2\ny = recip x\n");
    REQUIRE(run.error);
    CHECK(run.error->kind == DomainError::Kind::range);
    CHECK(run.error->row == 1);
    CHECK(run.error->col == 0);
    CHECK(run.error->message == "step 0 (instruction 0, line 4, recip): 'x'[2,1] = 8 is outside recip's range 1/4..4");
  }
  SECTION("sqrt of a negative is outside its default range 0..G") {
    const RunResult run = run_text(".real x = -1\n.real y\ny = sqrt x\n");
    REQUIRE(run.error);
    CHECK(run.error->message == "step 0 (instruction 0, line 3, sqrt): 'x' = -1 is outside sqrt's range 0..16");
  }
  SECTION(".intbound") {
    const RunResult run = run_text(".intbound 3\n.int i = 2\n.int one = 1\ni = add i, one\ni = add i, one\n");
    REQUIRE(run.error);
    CHECK(run.error->kind == DomainError::Kind::int_bound);
    CHECK(run.error->message == "step 1 (instruction 1, line 5, add): 'i' = 4 is beyond .intbound 3");
  }
  SECTION("an .int result that is not an integer, through a replaced function") {
    const FleqProgram program = assemble_fq(".int i = 1\n.int j = 1\ni = add i, j\n", "t.fq");
    OpTable table = ideal_ops();
    table[Op::add] = [](const Matrix& a, const Matrix&) { return Matrix(a.shape, {Rational(1, 2)}); };
    MachineOptions options;
    options.table = &table;
    const RunResult run = run_fleq_machine(program, 10, options);
    REQUIRE(run.error);
    CHECK(run.error->kind == DomainError::Kind::not_integral);
    CHECK(run.error->message == "step 0 (instruction 0, line 3, add): 'i' = 1/2 is not an integer (an .int cell must stay integral)");
  }
  SECTION("a replaced function returning the wrong shape") {
    const FleqProgram program = assemble_fq(".real a = 1\n.real b\nb = copy a\n", "t.fq");
    OpTable table = ideal_ops();
    table[Op::copy] = [](const Matrix&, const Matrix&) { return Matrix(Shape{2, 1}); };
    MachineOptions options;
    options.table = &table;
    const RunResult run = run_fleq_machine(program, 10, options);
    REQUIRE(run.error);
    CHECK(run.error->kind == DomainError::Kind::shape);
  }
}

TEST_CASE("fleq machine: a block-exact table replaces one function and nothing else", "[fleq]") {
  // recip replaced by one Newton step from 1/2 (y = 1/2 (2 - x/2)): a stand-in for a
  // block's own exact-arithmetic function.
  const std::string text = ".range recip 1..3\n.real x = 3/2\n.real y\n.real z\ny = recip x\nz = add x, x\n";
  const FleqProgram program = assemble_fq(text, "t.fq");
  OpTable table = ideal_ops();
  table[Op::recip] = elementwise([](const Rational& x) { return Rational(Rational(1, 2) * (2 - x / 2)); });
  MachineOptions options;
  options.table = &table;
  const RunResult run = run_fleq_machine(program, 10, options);
  REQUIRE(run.halted);
  CHECK(cell_value(program, run.final_state(), "y").entries[0] == q(5, 8));
  CHECK(cell_value(program, run.final_state(), "z").entries[0] == 3);
}

TEST_CASE("fleq machine: the size guard rounds only huge rationals, and says so", "[fleq]") {
  const std::string text = read_input_file((kExamples / "fleq/linalg/newton_a3.fq").string(), "an example");
  const FleqProgram program = assemble_fq(text, "newton_a3.fq");
  MachineOptions exact;
  exact.exact_bits_limit = 0;
  const RunResult pure = run_fleq_machine(program, 22, exact);  // 4 iterations: 81-fold digits
  CHECK(pure.rounded_entries == 0);
  const RunResult guarded = run_fleq_machine(program, 22);
  CHECK(guarded.rounded_entries == 0);  // still below 4096 bits
  CHECK(pure.final_state() == guarded.final_state());
  const RunResult full = run_fleq_machine(program, kGenerousSteps);
  CHECK(full.rounded_entries > 0);  // 10 iterations would need ~270,000 bits per entry
  CHECK(full.halted);
}

namespace {

std::vector<fs::path> fq_examples() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kExamples / "fleq")) {
    if (entry.path().extension() == ".fq") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("fleq examples: every expect line holds on the exact machine", "[fleq][examples]") {
  const std::vector<fs::path> files = fq_examples();
  CHECK(files.size() >= 20);
  for (const fs::path& file : files) {
    INFO(file.string());
    const std::string text = read_input_file(file.string(), "an example");
    const FleqProgram program = assemble_fq(text, file.string());
    const std::vector<Expectation> expectations = parse_expectations(text, file.string());
    CHECK(expectations.size() >= 2);
    const RunResult run = run_fleq_machine(program, kGenerousSteps);
    const std::vector<std::string> failures = expectation_failures(program, run, expectations);
    for (const std::string& failure : failures) UNSCOPED_INFO(failure);
    CHECK(failures.empty());
  }
}

TEST_CASE("fleq examples: a wrong expect line is reported", "[fleq][examples]") {
  const std::string text = ".real x = 1/3\n.real y\ny = add x, x\n; expect y = 2/3\n; expect x = 0.333 within 1e-3\n"
                           "; expect y = 0.6 within 1e-3\n; expect steps = 2\n; expect nope = 1\n";
  const FleqProgram program = assemble_fq(text, "t.fq");
  const RunResult run = run_fleq_machine(program, 10);
  const auto failures = expectation_failures(program, run, parse_expectations(text, "t.fq"));
  REQUIRE(failures.size() == 3);
  CHECK(failures[0] == "line 6: y entry 1 is 2/3, expected 3/5 within 0.001 (off by 1/15)");
  CHECK(failures[1] == "line 7: steps entry 1 is 1, expected 2 within 0 (off by 1)");
  CHECK(failures[2] == "line 8: nope is not a cell of the program");
}

TEST_CASE("fleq is universal: every .sq example as .fq agrees with the SUBLEQ machine", "[fleq][subleq]") {
  int programs = 0;
  for (const auto& entry : fs::directory_iterator(kExamples / "subleq")) {
    if (entry.path().extension() != ".sq") continue;
    const fs::path fq = kExamples / "fleq/subleq" / entry.path().filename().replace_extension(".fq");
    INFO(entry.path().string() << " vs " << fq.string());
    REQUIRE(fs::exists(fq));
    ++programs;
    const isa::SubleqProgram sq = isa::load_sq(entry.path().string());
    const FleqProgram program = load_fq(fq.string());
    const isa::Trace reference = isa::run_machine(sq, kGenerousSteps, true);
    const RunResult run = run_fleq_machine(program, kGenerousSteps, {}, true);
    REQUIRE_FALSE(run.error);
    CHECK(run.halted == reference.halted);
    CHECK(run.steps == reference.steps);
    const BigInt modulus = BigInt(1) << sq.bits;
    const Rational low = -Rational(modulus / 2), high = Rational(modulus / 2 - 1);
    int overflows = 0;
    const std::size_t common = std::min(run.states.size(), reference.states.size());
    for (std::size_t t = 0; t < common; ++t) {
      const MachineState& f = run.states[t];
      const isa::MachineState& s = reference.states[t];
      INFO("step " << t);
      CHECK(f.pc == s.pc);
      CHECK(f.halted == s.halted);
      for (int cell = 0; cell < program.cell_count(); ++cell) {
        const Cell& c = program.cells[static_cast<std::size_t>(cell)];
        const auto it = std::find(sq.cell_names.begin(), sq.cell_names.end(), c.name);
        REQUIRE(it != sq.cell_names.end());
        const Rational& value = f.cells[static_cast<std::size_t>(cell)].entries[0];
        const std::int64_t wrapped = s.memory[static_cast<std::size_t>(it - sq.cell_names.begin())];
        if (value >= low && value <= high) {
          CHECK(value == wrapped);
        } else {  // beyond N bits the SUBLEQ machine wraps: congruent modulo 2^N
          ++overflows;
          const Rational difference = value - wrapped;
          CHECK(boost::multiprecision::denominator(difference) == 1);
          CHECK(boost::multiprecision::numerator(difference) % modulus == 0);
        }
      }
    }
    // Only long_loop runs past its word size (S to 34800 in 16 bits).
    CHECK((overflows > 0) == (entry.path().stem() == "long_loop"));
  }
  CHECK(programs == 7);
}

TEST_CASE("fleq machine: the run summary the CLI prints", "[fleq]") {
  const FleqProgram program = assemble_fq(".real x = 1/3\n.real y 1x2\n.int i = 2\ny = add y, y\ni = add i, i\n", "t.fq");
  const MachineOptions options;
  const RunResult run = run_fleq_machine(program, 10, options);
  CHECK(run_summary(program, run, options, 6) ==
        "program: t.fq\n"
        "machine: exact FLEQ (rationals; sigmoid, exp, recip, sqrt, rsqrt in MPFR at 256 bits)\n"
        "steps: 2\nhalted: yes\nrounded entries: 0\nmemory:\n  x = 0.333333\n  y = [[0, 0]]\n  i = 4\n");
  const RunResult stopped = run_fleq_machine(assemble_fq(".int i = 9\ni = add i, i\n", "t.fq"), 10, options);
  CHECK(run_summary(assemble_fq(".int i = 9\ni = add i, i\n", "t.fq"), stopped, options).find(
            "stopped: step 0 (instruction 0, line 2, add): 'i' = 18 is beyond .intbound 16\n") != std::string::npos);
  CHECK(entry_text(Rational(-2, 3), 5) == "-0.66667");
}

TEST_CASE("fleq machine: the function precision is at least 256 bits and can be raised", "[fleq]") {
  CHECK_THROWS_AS(ideal_ops(255), std::invalid_argument);
  const Rational at256 = ideal_function(Function::recip, Rational(3), 256);
  const Rational at512 = ideal_function(Function::recip, Rational(3), 512);
  CHECK(abs(at256 - Rational(1, 3)) > pow2(-300));  // really rounded at 256 bits
  CHECK(abs(at512 - Rational(1, 3)) <= pow2(-512 - 1));
  MachineOptions options;
  options.function_bits = 512;
  CHECK(final_cell(".range recip 1..4\n.real x = 3\n.real y\ny = recip x\n", "y", options).entries[0] == at512);
}
