// Tests for src/isa: the .sq assembler, the official CSV reader, the reference machine
// and N-bit two's complement wrapping. Example programs are checked against the
// `; expect CELL = VALUE` lines in their own headers, so a program and its claimed
// results cannot drift apart.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "isa/subleq/assembler.hpp"
#include "core/input_error.hpp"
#include "isa/subleq/machine.hpp"
#include "isa/subleq/official_csv.hpp"
#include "error_message.hpp"
#include "isa/subleq/twos_complement.hpp"

namespace fs = std::filesystem;
using namespace loopcert::isa;
using loopcert::InputError;

namespace {

const fs::path kSourceDir = LOOPCERT_SOURCE_DIR;
constexpr std::int64_t kGenerousSteps = 1'000'000;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The `; expect NAME = VALUE` lines of an example header (NAME "steps" is the step count).
std::map<std::string, std::int64_t> expectations(const std::string& text) {
  static const std::regex line_pattern(R"(^\s*[;#]\s*expect\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([+-]?\d+)\s*$)");
  std::map<std::string, std::int64_t> expected;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::smatch match;
    if (std::regex_match(line, match, line_pattern)) {
      expected[match[1].str()] = std::stoll(match[2].str());
    }
  }
  return expected;
}

std::int64_t cell_value(const SubleqProgram& program, const MachineState& state,
                        const std::string& name) {
  const auto it = std::find(program.cell_names.begin(), program.cell_names.end(), name);
  REQUIRE(it != program.cell_names.end());
  return state.memory[static_cast<std::size_t>(it - program.cell_names.begin())];
}

// The official CSV directory: a copy under examples/ if the project has one, else the
// shared compat directory next to the repository. nullopt when neither is present.
std::optional<fs::path> official_dir() {
  for (const fs::path& candidate :
       {kSourceDir / "examples" / "official", kSourceDir / ".." / "shared" / "compat" / "official"}) {
    if (fs::exists(candidate / "ftrl_cmds.csv")) return candidate;
  }
  return std::nullopt;
}

SubleqProgram load_official(const fs::path& dir, const std::string& stem, const std::string& layout) {
  return load_official_csv((dir / (stem + "_cmds.csv")).string(),
                           (dir / (stem + "_init_mem.csv")).string(), parse_layout(layout));
}

// The full what() text of the InputError `action` throws ("" if it throws none).
template <typename Action>
std::string error_of(Action&& action) {
  return loopcert::testing::message_of<InputError>(std::forward<Action>(action));
}

std::string sq_error(const std::string& text) {
  return error_of([&] { assemble_sq(text, "t.sq"); });
}

const CsvLayout kSmallLayout{2, 3, 7, 8};  // cells at columns 2..4, commands at 5..6
const std::string kGoodMem = "mem\n0\n-1\n5\n";
const std::string kGoodCmds = "a,b,c\n2,3,6\n4,4,6\n";

std::string csv_cmds_error(const std::string& cmds, const CsvLayout& layout = kSmallLayout) {
  return error_of([&] { parse_official_csv(cmds, "c.csv", kGoodMem, "m.csv", layout); });
}

std::string csv_mem_error(const std::string& mem, const CsvLayout& layout = kSmallLayout) {
  return error_of([&] { parse_official_csv(kGoodCmds, "c.csv", mem, "m.csv", layout); });
}

}  // namespace

// ---------------------------------------------------------------------------------
// Examples

TEST_CASE("every example meets the expectations in its header", "[isa][examples]") {
  const fs::path dir = kSourceDir / "examples" / "subleq";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".sq") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const char* required : {"multiply", "factorial", "fibonacci", "divmod", "gcd", "sort",
                               "long_loop"}) {
    INFO("required example " << required);
    CHECK(fs::exists(dir / (std::string(required) + ".sq")));
  }

  for (const fs::path& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const auto expected = expectations(read_text(file));
      REQUIRE(expected.size() >= 2);  // at least one cell and the step count
      const SubleqProgram program = load_sq(file.string());
      // Transformer cost grows with columns; keep examples small.
      CHECK(program.command_count() <= 60);
      CHECK(program.cells() <= 20);
      const Trace trace = run_machine(program, kGenerousSteps, false);
      REQUIRE(trace.halted);
      const MachineState& final_state = trace.states.back();
      for (const auto& [name, value] : expected) {
        INFO("expect " << name << " = " << value);
        if (name == "steps") {
          CHECK(trace.steps == value);
        } else {
          CHECK(cell_value(program, final_state, name) == value);
        }
      }
    }
  }
}

TEST_CASE("long_loop runs thousands of steps at 16 bits", "[isa][examples]") {
  const SubleqProgram program = load_sq((kSourceDir / "examples/subleq/long_loop.sq").string());
  CHECK(program.bits == 16);
  const Trace trace = run_machine(program, kGenerousSteps, false);
  CHECK(trace.halted);
  CHECK(trace.steps >= 3000);
  CHECK(trace.steps <= 10000);
}

// ---------------------------------------------------------------------------------
// Official CSV programs

TEST_CASE("official CSV programs compute what their README says", "[isa][official]") {
  const auto dir = official_dir();
  if (!dir) {
    WARN("official CSV files not found under " << kSourceDir.string()
                                               << "/../shared/compat/official; skipped");
    return;
  }

  SECTION("ftrl: 7! = 5040 lands in column 4 (cell 2), -5040 in column 5") {
    const SubleqProgram program = load_official(*dir, "ftrl", "2,10,23,15");
    CHECK(program.from_csv);
    CHECK(program.scratch == 2);
    CHECK(program.bits == 15);
    CHECK(program.cells() == 10);
    CHECK(program.command_count() == 11);
    CHECK(program.cell_names[2] == "4");
    // First line "4,7,13": columns to program indices.
    CHECK(program.commands[0].a == 2);
    CHECK(program.commands[0].b == 5);
    CHECK(program.commands[0].c == 1);
    CHECK(program.commands[0].line == 2);
    const Trace trace = run_machine(program, 500, false);  // the authors' loop count
    REQUIRE(trace.halted);
    CHECK(trace.steps == 68);
    const auto& memory = trace.states.back().memory;
    CHECK(memory[2] == 5040);
    CHECK(memory[3] == -5040);
    CHECK(trace.states.back().pc == 10);  // their EOF command, the last one
  }

  SECTION("reverse_list: columns 4..10 reversed in place") {
    const SubleqProgram program = load_official(*dir, "reverse_list", "2,11,38,5");
    const Trace trace = run_machine(program, 26, false);
    REQUIRE(trace.halted);
    CHECK(trace.steps == 24);
    const auto& memory = trace.states.back().memory;
    const std::vector<std::int64_t> list(memory.begin() + 2, memory.begin() + 9);
    CHECK(std::vector<std::int64_t>(program.memory.begin() + 2, program.memory.begin() + 9) ==
          std::vector<std::int64_t>{-7, -6, -5, -4, 3, 2, 1});
    CHECK(list == std::vector<std::int64_t>{1, 2, 3, -4, -5, -6, -7});
  }

  SECTION("linear_search: index 6 of target 1 lands in column 15 (cell 13)") {
    const SubleqProgram program = load_official(*dir, "linear_search", "2,14,94,6");
    CHECK(program.command_count() == 78);
    const Trace trace = run_machine(program, 79, false);
    REQUIRE(trace.halted);
    CHECK(trace.steps == 50);
    const auto& memory = trace.states.back().memory;
    CHECK(memory[13] == 6);
    CHECK(memory[12] == 0);  // column 14: 1 until the target is found
    CHECK(std::vector<std::int64_t>(memory.begin() + 2, memory.begin() + 9) ==
          std::vector<std::int64_t>{-7, -6, -5, -4, 3, 2, 1});  // the list is untouched
  }

  SECTION("subleq: the random program has not halted after 20 loops; it halts at 24") {
    const SubleqProgram program = load_official(*dir, "subleq", "8,8,32,8");
    const Trace twenty = run_machine(program, 20, true);
    CHECK_FALSE(twenty.halted);
    CHECK(twenty.steps == 20);
    REQUIRE(twenty.states.size() == 21);
    CHECK(twenty.states[20].pc == 9);
    CHECK(twenty.states[20].memory == std::vector<std::int64_t>{0, -1, -7, -47, 85, -49, -41, -105});

    const Trace full = run_machine(program, kGenerousSteps, false);
    REQUIRE(full.halted);
    CHECK(full.steps == 24);
    CHECK(full.states.back().pc == 15);  // "8,9,31": mem[8] = 0, mem[9] = -1, jumps to itself
    CHECK(full.states.back().memory == std::vector<std::int64_t>{0, -1, 40, -47, 126, -49, -41, -9});
  }
}

// ---------------------------------------------------------------------------------
// Two's complement and the machine

TEST_CASE("wrap_signed and fits_signed at N = 2, 8, 64", "[isa][wrap]") {
  SECTION("N = 2: values -2..1") {
    CHECK(min_signed(2) == -2);
    CHECK(max_signed(2) == 1);
    CHECK(fits_signed(1, 2));
    CHECK_FALSE(fits_signed(2, 2));
    CHECK_FALSE(fits_signed(-3, 2));
    CHECK(wrap_signed(2, 2) == -2);
    CHECK(wrap_signed(-3, 2) == 1);
    CHECK(wrapping_sub(-2, 1, 2) == 1);
    CHECK(wrapping_sub(1, -2, 2) == -1);
  }
  SECTION("N = 8: values -128..127") {
    CHECK(wrap_signed(128, 8) == -128);
    CHECK(wrap_signed(255, 8) == -1);
    CHECK(wrap_signed(256, 8) == 0);
    CHECK(wrap_signed(-129, 8) == 127);
    CHECK(wrapping_sub(-128, 1, 8) == 127);
    CHECK(wrapping_sub(127, -1, 8) == -128);
    CHECK(fits_signed(-128, 8));
    CHECK_FALSE(fits_signed(128, 8));
  }
  SECTION("N = 64: the full int64 range, no overflow in the arithmetic") {
    CHECK(min_signed(64) == INT64_MIN);
    CHECK(max_signed(64) == INT64_MAX);
    CHECK(fits_signed(INT64_MIN, 64));
    CHECK(wrapping_sub(INT64_MIN, 1, 64) == INT64_MAX);
    CHECK(wrapping_sub(0, INT64_MIN, 64) == INT64_MIN);
    CHECK(wrapping_sub(INT64_MAX, -1, 64) == INT64_MIN);
    CHECK(wrap_signed(std::uint64_t{1} << 63, 64) == INT64_MIN);
  }
}

namespace {

// A one-command program "subleq A, B" (plus the appended halt) at width `bits`.
SubleqProgram one_subtraction(int bits, std::int64_t a, std::int64_t b) {
  SubleqProgram program;
  program.bits = bits;
  program.cell_names = {"A", "B", "Z"};
  program.memory = {a, b, 0};
  program.commands = {{0, 1, 1, 0}, {2, 2, 1, 0}};
  return program;
}

}  // namespace

TEST_CASE("the machine wraps mem[b] - mem[a] at N = 2, 8, 64 and branches on <= 0",
          "[isa][machine][wrap]") {
  struct Case {
    int bits;
    std::int64_t a, b, result;
  };
  for (const Case& c : {Case{2, 1, -2, 1}, Case{2, -2, 1, -1}, Case{2, 1, 1, 0},
                        Case{8, 1, -128, 127}, Case{8, -1, 127, -128}, Case{8, 100, -100, 56},
                        Case{64, 1, INT64_MIN, INT64_MAX}, Case{64, INT64_MIN, 0, INT64_MIN},
                        Case{64, -1, INT64_MAX, INT64_MIN}}) {
    INFO("N = " << c.bits << ": " << c.b << " - " << c.a);
    SubleqProgram program = one_subtraction(c.bits, c.a, c.b);
    program.commands[0].c = 0;  // branch target distinguishable from pc + 1
    const MachineState next = step(program, initial_state(program));
    CHECK(next.memory[1] == c.result);
    CHECK(next.pc == (c.result <= 0 ? 0 : 1));
  }
}

TEST_CASE("halting, fixed points and the step count", "[isa][machine]") {
  const SubleqProgram program = assemble_sq(
      ".mem A 3\n.mem ONE 1\n.mem Z 0\nloop: subleq ONE, A, done\nsubleq Z, Z, loop\ndone: halt\n",
      "t.sq");
  // A: 3 -> 2 (jump back) -> 1 -> 0 (done). Commands run: 2 + 2 + 1 = 5, the halt not counted.
  const Trace trace = run_machine(program, 100, true);
  REQUIRE(trace.halted);
  CHECK(trace.steps == 5);
  REQUIRE(trace.states.size() == 6);
  CHECK_FALSE(trace.states[4].halted);
  CHECK(trace.states[5].halted);
  CHECK(trace.states[5].pc == 2);

  SECTION("stepping a halted state changes nothing") {
    const MachineState halted = trace.states.back();
    CHECK(step(program, halted) == halted);
    CHECK(step(program, step(program, halted)) == halted);
  }
  SECTION("max_steps stops an unfinished run") {
    const Trace short_run = run_machine(program, 3, false);
    CHECK_FALSE(short_run.halted);
    CHECK(short_run.steps == 3);
    REQUIRE(short_run.states.size() == 1);
    CHECK(short_run.states[0] == trace.states[3]);
  }
  SECTION("a self-jump that still changes memory is not a halt") {
    SubleqProgram spin = one_subtraction(8, 1, 0);
    spin.commands[0].c = 0;  // subleq A, B, self with A = 1
    CHECK_FALSE(initial_state(spin).halted);
    // B: 0 -> -1 -> ... -> -128 (each <= 0: jump to itself, but A != 0 so not a halt),
    // then wraps to 127 > 0 after 129 steps and moves on to the halt command.
    const Trace run = run_machine(spin, 1000, false);
    CHECK(run.halted);
    CHECK(run.steps == 129);
    CHECK(run.states.back().memory[1] == 127);
    CHECK(run.states.back().pc == 1);
  }
  SECTION("a self-jump with mem[a] = 0 and mem[b] <= 0 is a halt") {
    SubleqProgram eof = one_subtraction(8, 0, -1);
    eof.commands[0].c = 0;
    CHECK(initial_state(eof).halted);
    eof.memory[1] = 1;  // mem[b] > 0: executing it would move on
    CHECK_FALSE(initial_state(eof).halted);
  }
  SECTION("falling off the end halts") {
    SubleqProgram off = one_subtraction(8, 1, 5);
    off.commands.resize(1);  // subleq A, B (next) with no halt after it
    const Trace run = run_machine(off, 10, false);
    CHECK(run.halted);
    CHECK(run.steps == 1);
    CHECK(run.states.back().pc == 1);
    CHECK(run.states.back().memory[1] == 4);
  }
}

// ---------------------------------------------------------------------------------
// Assembler: what it builds

TEST_CASE("assembler syntax and the hidden halt", "[isa][assembler]") {
  SECTION("separators, comments, labels on their own line, two-operand continue") {
    const SubleqProgram program = assemble_sq(
        "# leading comment\r\n"
        ".bits 16   ; width\n"
        ".mem A 1071\n"
        ".mem T -5\n"
        "start:\n"
        "again:   ; two labels for one command\n"
        "  subleq A T\n"
        "  subleq A,T,again\n"
        "  subleq\tT ,A , start\n"
        "  subleq T, T, halt\n",
        "x.sq");
    CHECK(program.bits == 16);
    CHECK(program.scratch == 1);
    CHECK_FALSE(program.from_csv);
    CHECK(program.source == "x.sq");
    CHECK(program.cell_names == std::vector<std::string>{"A", "T", kHaltZeroCell});
    CHECK(program.memory == std::vector<std::int64_t>{1071, -5, 0});
    REQUIRE(program.command_count() == 5);
    CHECK((program.commands[0].a == 0 && program.commands[0].b == 1 && program.commands[0].c == 1));
    CHECK(program.commands[0].line == 7);
    CHECK(program.commands[1].c == 0);
    CHECK((program.commands[2].a == 1 && program.commands[2].b == 0 && program.commands[2].c == 0));
    CHECK(program.commands[3].c == 4);  // `halt` target: the halt appended for it
    CHECK((program.commands[4].a == 2 && program.commands[4].b == 2 && program.commands[4].c == 4));
    CHECK(program.commands[4].line == 0);
  }
  SECTION("no halt needed: no hidden cell, nothing appended") {
    const SubleqProgram program =
        assemble_sq(".mem Z 0\nloop: subleq Z, Z, loop\n", "t.sq");
    CHECK(program.command_count() == 1);
    CHECK(program.cells() == 1);
  }
  SECTION("a last command that can fall through gets a halt after it") {
    const SubleqProgram program = assemble_sq(".mem A 1\n.mem B 1\nl: subleq A, B, l\n", "t.sq");
    REQUIRE(program.command_count() == 2);
    CHECK(program.commands[1].c == 1);
    CHECK(program.cell_names.back() == kHaltZeroCell);
  }
  SECTION("explicit halts are reused as the halt target") {
    const SubleqProgram program = assemble_sq(
        ".mem A 1\n.mem Z 0\nsubleq A, A, halt\nend: halt\nsubleq Z, Z, end\n", "t.sq");
    REQUIRE(program.command_count() == 3);
    CHECK(program.commands[0].c == 1);
    CHECK(program.commands[1].c == 1);
    CHECK(program.commands[1].line == 4);
    CHECK(program.cells() == 3);
  }
  SECTION("cells may be declared after use") {
    const SubleqProgram program = assemble_sq("subleq A, A\n.mem A 4\n", "t.sq");
    CHECK(program.commands[0].a == 0);
  }
  SECTION("values at the limits of N bits") {
    const SubleqProgram program = assemble_sq(
        ".bits 64\n.mem L -9223372036854775808\n.mem H +9223372036854775807\nhalt\n", "t.sq");
    CHECK(program.memory[0] == INT64_MIN);
    CHECK(program.memory[1] == INT64_MAX);
  }
}

// ---------------------------------------------------------------------------------
// Assembler: one test per error kind, with the exact message and position

TEST_CASE("assembler error: unknown mnemonic", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\n  foo A, A\n") ==
        "t.sq:2:3: error: unknown mnemonic 'foo' (expected subleq, halt, .bits or .mem)");
  CHECK(sq_error("x: .memory A 1\n") ==
        "t.sq:1:4: error: unknown mnemonic '.memory' (expected subleq, halt, .bits or .mem)");
}

TEST_CASE("assembler error: undefined label", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\nsubleq A, A, nowhere\n") ==
        "t.sq:2:14: error: undefined label 'nowhere' (expected a label defined as 'nowhere:' "
        "before a command, or halt)");
}

TEST_CASE("assembler error: duplicate label", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\nx: subleq A, A\n  x: halt\n") ==
        "t.sq:3:3: error: duplicate label 'x' (first defined at line 2; expected each label once)");
}

TEST_CASE("assembler error: duplicate cell", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\n.mem A 2\nhalt\n") ==
        "t.sq:2:6: error: duplicate cell 'A' (first declared at line 1; expected each cell once)");
}

TEST_CASE("assembler error: undeclared cell", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\nsubleq A, B\n") ==
        "t.sq:2:11: error: undeclared cell 'B' (expected a cell declared with '.mem B VALUE')");
}

TEST_CASE("assembler error: value does not fit N bits", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 128\nhalt\n") ==
        "t.sq:1:8: error: value 128 does not fit in 8-bit two's complement (expected -128..127)");
  CHECK(sq_error(".bits 2\n.mem A -3\nhalt\n") ==
        "t.sq:2:8: error: value -3 does not fit in 2-bit two's complement (expected -2..1)");
  CHECK(sq_error(".bits 64\n.mem A 9223372036854775808\nhalt\n") ==
        "t.sq:2:8: error: value 9223372036854775808 does not fit in 64-bit two's complement "
        "(expected -9223372036854775808..9223372036854775807)");
}

TEST_CASE("assembler error: bad .bits value", "[isa][assembler][errors]") {
  const std::string expected_tail = " (expected an integer from 2 to 64)";
  CHECK(sq_error(".bits 1\nhalt\n") == "t.sq:1:7: error: bad .bits value '1'" + expected_tail);
  CHECK(sq_error(".bits 65\nhalt\n") == "t.sq:1:7: error: bad .bits value '65'" + expected_tail);
  CHECK(sq_error(".bits eight\nhalt\n") == "t.sq:1:7: error: bad .bits value 'eight'" + expected_tail);
}

TEST_CASE("assembler error: wrong operand count", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\nsubleq A\n") ==
        "t.sq:2:1: error: subleq takes 2 or 3 operands, got 1 (expected 'subleq A, B' or "
        "'subleq A, B, C' with C a label or halt)");
  CHECK(sq_error(".mem A 1\nl: subleq A, A, l, l\n") ==
        "t.sq:2:20: error: subleq takes 2 or 3 operands, got 4 (expected 'subleq A, B' or "
        "'subleq A, B, C' with C a label or halt)");
  CHECK(sq_error("halt now\n") ==
        "t.sq:1:6: error: halt takes no operands, got 1 (expected 'halt' alone; to jump to a "
        "halt write 'subleq A, B, halt')");
  CHECK(sq_error(".mem A\nhalt\n") ==
        "t.sq:1:1: error: .mem takes two operands, got 1 (expected '.mem NAME VALUE')");
  CHECK(sq_error(".bits 8 16\nhalt\n") ==
        "t.sq:1:9: error: .bits takes one operand, got 2 (expected '.bits N' with N from 2 to 64)");
}

TEST_CASE("assembler error: non-numeric value", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 0x10\nhalt\n") ==
        "t.sq:1:8: error: value '0x10' is not a decimal integer (expected e.g. 42 or -7)");
}

TEST_CASE("assembler error: .bits after cells or commands, or twice", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem A 1\n.bits 16\nhalt\n") ==
        "t.sq:2:1: error: .bits after a .mem or command (line 1; expected .bits before any .mem "
        "or command)");
  CHECK(sq_error("halt\n.bits 16\n") ==
        "t.sq:2:1: error: .bits after a .mem or command (line 1; expected .bits before any .mem "
        "or command)");
  CHECK(sq_error(".bits 16\n .bits 16\nhalt\n") ==
        "t.sq:2:2: error: .bits given twice (first at line 1; expected at most one .bits)");
}

TEST_CASE("assembler error: empty program", "[isa][assembler][errors]") {
  CHECK(sq_error("") == "t.sq: error: program has no commands (expected at least one subleq or halt)");
  CHECK(sq_error("; only a comment\n.mem A 1\n") ==
        "t.sq: error: program has no commands (expected at least one subleq or halt)");
}

TEST_CASE("assembler error: malformed names, labels and separators", "[isa][assembler][errors]") {
  CHECK(sq_error(".mem 1A 1\nhalt\n") ==
        "t.sq:1:6: error: bad cell name '1A' (expected an identifier: a letter or '_', then "
        "letters, digits or '_')");
  CHECK(sq_error(".mem A 1\nsubleq A, 5\n") ==
        "t.sq:2:11: error: bad operand '5' (expected a cell name declared with .mem)");
  CHECK(sq_error(".mem A 1\nsubleq A, A, 3\n") ==
        "t.sq:2:14: error: bad jump target '3' (expected a label or halt)");
  CHECK(sq_error("halt: halt\n") ==
        "t.sq:1:1: error: 'halt' cannot be a label (it already names the halt target)");
  CHECK(sq_error(".mem _halt_zero 0\nhalt\n") ==
        "t.sq:1:6: error: cell name '_halt_zero' is reserved for the assembler's hidden zero "
        "cell (expected another name)");
  CHECK(sq_error(".mem A 1\nsubleq A,, A\n") ==
        "t.sq:2:10: error: unexpected ',' (expected an operand before it)");
  CHECK(sq_error(".mem A 1\nsubleq A, A,\n") ==
        "t.sq:2:12: error: trailing ',' (expected an operand after it)");
  CHECK(sq_error(": halt\n") ==
        "t.sq:1:1: error: unexpected ':' (expected a label name before it, as in 'loop:')");
  CHECK(sq_error("x: .mem A 1\nhalt\n") ==
        "t.sq:1:1: error: label 'x' is on a .mem directive (expected labels only before "
        "commands: subleq or halt)");
  CHECK(sq_error("halt\nend:\n") ==
        "t.sq:2:1: error: label 'end' is not followed by a command (expected a command after "
        "it, e.g. 'end: halt')");
}

TEST_CASE("assembler error: unreadable file", "[isa][assembler][errors]") {
  const std::string path = (kSourceDir / "no/such/file.sq").string();
  const std::string message = error_of([&] { load_sq(path); });
  CHECK(message.rfind(path + ": error: cannot read file", 0) == 0);
}

// ---------------------------------------------------------------------------------
// Official CSV reader: accepted forms and one test per error kind

TEST_CASE("CSV reader accepts CRLF, a missing final newline and trailing blank lines",
          "[isa][csv]") {
  const SubleqProgram reference = parse_official_csv(kGoodCmds, "c", kGoodMem, "m", kSmallLayout);
  CHECK(reference.memory == std::vector<std::int64_t>{0, -1, 5});
  CHECK(reference.cell_names == std::vector<std::string>{"2", "3", "4"});
  REQUIRE(reference.command_count() == 2);
  CHECK((reference.commands[0].a == 0 && reference.commands[0].b == 1 && reference.commands[0].c == 1));
  CHECK((reference.commands[1].a == 2 && reference.commands[1].b == 2 && reference.commands[1].c == 1));

  for (const auto& [cmds, mem] : std::vector<std::pair<std::string, std::string>>{
           {"a,b,c\r\n2,3,6\r\n4,4,6\r\n", "mem\r\n0\r\n-1\r\n5\r\n"},
           {"a,b,c\n2,3,6\n4,4,6", "mem\n0\n-1\n5"},
           {"a,b,c\n2,3,6\n4,4,6\n\n\r\n  \n", "mem\n0\n-1\n5\n\n\n"}}) {
    const SubleqProgram program = parse_official_csv(cmds, "c", mem, "m", kSmallLayout);
    CHECK(program.memory == reference.memory);
    CHECK(program.command_count() == 2);
    CHECK(program.commands[1].c == reference.commands[1].c);
  }
}

TEST_CASE("CSV error: header", "[isa][csv][errors]") {
  CHECK(csv_cmds_error("") == "c.csv:1:1: error: missing header (expected the header line 'a,b,c')");
  CHECK(csv_cmds_error("a,b\n2,3,6\n4,4,6\n") ==
        "c.csv:1:1: error: wrong header 'a,b' (expected 'a,b,c')");
  CHECK(csv_cmds_error("2,3,6\n4,4,6\n") ==
        "c.csv:1:1: error: wrong header '2,3,6' (expected 'a,b,c')");
  CHECK(csv_mem_error("value\n0\n-1\n5\n") == "m.csv:1:1: error: wrong header 'value' (expected 'mem')");
}

TEST_CASE("CSV error: field count", "[isa][csv][errors]") {
  CHECK(csv_cmds_error("a,b,c\n2,3\n4,4,6\n") == "c.csv:2:1: error: expected 3 fields a,b,c, got 2");
  CHECK(csv_cmds_error("a,b,c\n2,3,6,1\n4,4,6\n") ==
        "c.csv:2:7: error: expected 3 fields a,b,c, got 4");
  CHECK(csv_mem_error("mem\n0\n-1,2\n5\n") == "m.csv:3:4: error: expected one value per line, got 2 fields");
}

TEST_CASE("CSV error: non-numeric field", "[isa][csv][errors]") {
  CHECK(csv_cmds_error("a,b,c\n2,3,6\n4, x,6\n") ==
        "c.csv:3:4: error: b is 'x', not an integer (expected a memory column index)");
  CHECK(csv_cmds_error("a,b,c\n2,3,\n4,4,6\n") ==
        "c.csv:2:5: error: c is empty, not an integer (expected a command column index)");
  CHECK(csv_mem_error("mem\n0\n1.5\n5\n") ==
        "m.csv:3:1: error: value is '1.5', not an integer (expected a signed 8-bit integer, "
        "-128..127)");
}

TEST_CASE("CSV error: value does not fit N bits", "[isa][csv][errors]") {
  CHECK(csv_mem_error("mem\n0\n128\n5\n") ==
        "m.csv:3:1: error: value 128 does not fit in 8-bit two's complement (expected -128..127)");
}

TEST_CASE("CSV error: address outside its region", "[isa][csv][errors]") {
  CHECK(csv_cmds_error("a,b,c\n1,3,6\n4,4,6\n") ==
        "c.csv:2:1: error: a = 1 is outside the memory region [2, 5) (expected a memory column "
        "from 2 to 4)");
  CHECK(csv_cmds_error("a,b,c\n2,5,6\n4,4,6\n") ==
        "c.csv:2:3: error: b = 5 is outside the memory region [2, 5) (expected a memory column "
        "from 2 to 4)");
  CHECK(csv_cmds_error("a,b,c\n2,3,6\n4,4,7\n") ==
        "c.csv:3:5: error: c = 7 is outside the command region [5, 7) (expected a command column "
        "from 5 to 6)");
}

TEST_CASE("CSV error: number of memory values must equal m", "[isa][csv][errors]") {
  CHECK(csv_mem_error("mem\n0\n-1\n") ==
        "m.csv: error: has 2 values but the layout says m = 3 (expected one value per memory "
        "column)");
  CHECK(csv_mem_error("mem\n0\n-1\n5\n6\n") ==
        "m.csv:5:1: error: more values than memory columns (expected m = 3 values)");
}

TEST_CASE("CSV error: s + m + #commands must equal n", "[isa][csv][errors]") {
  CHECK(csv_cmds_error("a,b,c\n2,3,6\n") ==
        "c.csv: error: has 1 commands but the layout needs n - s - m = 2 (s,m,n = 2,3,7)");
  CHECK(csv_cmds_error("a,b,c\n2,3,6\n4,4,6\n2,2,5\n") ==
        "c.csv:4:1: error: more commands than the layout allows (expected n - s - m = 2 commands "
        "for layout s,m,n = 2,3,7)");
}

TEST_CASE("CSV error: empty program and blank lines inside", "[isa][csv][errors]") {
  CHECK(csv_cmds_error("a,b,c\n") ==
        "c.csv: error: no commands after the header (expected at least one a,b,c line)");
  CHECK(csv_cmds_error("a,b,c\n2,3,6\n\n4,4,6\n") ==
        "c.csv:3:1: error: blank line inside the data (expected one command a,b,c per line)");
}

TEST_CASE("CSV error: layout flag", "[isa][csv][errors]") {
  const auto layout_error = [](const std::string& text) {
    return error_of([&] { parse_layout(text); });
  };
  const CsvLayout parsed = parse_layout("2, 10, 23 ,15");
  CHECK((parsed.s == 2 && parsed.m == 10 && parsed.n == 23 && parsed.N == 15));
  CHECK(layout_error("2,10,23") ==
        "--layout: error: expected four integers s,m,n,N such as 2,10,23,15, got '2,10,23'");
  CHECK(layout_error("2,ten,23,15") ==
        "--layout: error: expected four integers s,m,n,N such as 2,10,23,15, got '2,ten,23,15'");
  CHECK(layout_error("2,10,23,1") ==
        "--layout: error: N = 1 is out of range (expected N from 2 to 64)");
  CHECK(layout_error("2,10,23,65") ==
        "--layout: error: N = 65 is out of range (expected N from 2 to 64)");
  CHECK(layout_error("2,10,12,8") ==
        "--layout: error: n = 12 leaves no command columns (expected n > s + m = 12)");
  CHECK(layout_error("2,0,12,8") ==
        "--layout: error: m = 0 leaves no memory columns (expected m >= 1)");
  CHECK(layout_error("-1,2,12,8") == "--layout: error: s = -1 is negative (expected s >= 0)");
  // load_official_csv validates a layout built in code too.
  CHECK(error_of([] { load_official_csv("c", "m", CsvLayout{2, 3, 7, 70}); }) ==
        "--layout: error: N = 70 is out of range (expected N from 2 to 64)");
}

TEST_CASE("CSV error: unreadable file", "[isa][csv][errors]") {
  const std::string path = (kSourceDir / "no/such/cmds.csv").string();
  const std::string message =
      error_of([&] { load_official_csv(path, path, kSmallLayout); });
  CHECK(message.rfind(path + ": error: cannot read file", 0) == 0);
}

TEST_CASE("InputError formats FILE:LINE:COL and drops zero parts", "[isa][errors]") {
  CHECK(std::string(InputError("f", 3, 7, "m").what()) == "f:3:7: error: m");
  CHECK(std::string(InputError("f", 3, 0, "m").what()) == "f:3: error: m");
  CHECK(std::string(InputError("f", 0, 0, "m").what()) == "f: error: m");
  const InputError error("f", 3, 7, "m");
  CHECK((error.file == "f" && error.line == 3 && error.col == 7 && error.message == "m"));
}
