// Bad input in every reader (parse_rational, the .sq assembler, the official CSV reader,
// sigmoid tables): a message naming the file, line and column, never a silent
// rounding or a misleading message. Each test case is one reviewed defect.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_runner.hpp"
#include "error_message.hpp"
#include "core/rational.hpp"
#include "isa/subleq/assembler.hpp"
#include "core/input_error.hpp"
#include "core/table_reader.hpp"
#include "isa/subleq/official_csv.hpp"

namespace fs = std::filesystem;
using loopcert::testing::message_of;
using namespace loopcert;
using loopcert::InputError;

namespace {

std::string table_error(const std::string& text) {
  return message_of<std::invalid_argument>([&] { parse_table(text, "t"); });
}

std::string rational_error(const std::string& text) {
  return message_of<std::invalid_argument>([&] { parse_rational(text); });
}

// A fresh empty directory under the temporary directory.
std::string temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("loopcert_test_input_errors_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = (fs::path(dir) / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

const isa::CsvLayout kLayout{2, 3, 7, 8};  // cells at columns 2..4, commands at 5..6
const std::string kGoodCmds = "a,b,c\n2,3,6\n4,4,6\n";
const std::string kGoodMem = "mem\n0\n-1\n5\n";

}  // namespace

// ---------------------------------------------------------------------------------
// Defect 1: malformed numbers and fractions

TEST_CASE("parse_rational: the accepted forms keep their values", "[input][rational]") {
  CHECK(parse_rational("3") == 3);
  CHECK(parse_rational("+3") == 3);
  CHECK(parse_rational("3.5") == Rational(7, 2));
  CHECK(parse_rational("-0.25") == Rational(-1, 4));
  CHECK(parse_rational(".5") == Rational(1, 2));
  CHECK(parse_rational("2.") == 2);
  CHECK(parse_rational("1e-3") == Rational(1, 1000));
  CHECK(parse_rational("1.5E+2") == 150);
  CHECK(parse_rational("7/2") == Rational(7, 2));
  CHECK(parse_rational("-7/2") == Rational(-7, 2));
  CHECK(parse_rational("+6/4") == Rational(3, 2));
  CHECK(parse_rational("007/010") == Rational(7, 10));  // decimal, not octal
  CHECK(parse_rational("0.000") == 0);
}

TEST_CASE("parse_rational: malformed fractions are rejected", "[input][rational]") {
  CHECK(rational_error("1/2/3") == "'1/2/3' has more than one '/' (expected one fraction INTEGER/INTEGER such as 7/2)");
  CHECK(rational_error("1//2").find("has more than one '/'") != std::string::npos);
  for (const char* text : {"1/", "/2", "/", "1.5/2", "1/2.5", "1e3/2", "7/-2", "-/2", "1 /2", "1/2 ", " 1/2", "1/2x", "x1/2"}) {
    INFO(text);
    CHECK(rational_error(text) == std::string("'") + text +
                                      "' is not a fraction (expected INTEGER/INTEGER such as 7/2 or -3/4, with no point, "
                                      "exponent or blank in either part)");
  }
  CHECK(rational_error("1/0") == "'1/0' divides by zero");
  CHECK(rational_error("-3/000") == "'-3/000' divides by zero");
}

TEST_CASE("parse_rational: junk before or after a decimal is rejected", "[input][rational]") {
  for (const char* text : {"", " 1", "1 ", "1x", "x1", "1.2.3", "--1", "+-1", "1e", "1e+", "e3", ".", "-", "1e3.5", "0x10", "nan", "inf"}) {
    INFO(text);
    CHECK(rational_error(text).find("is not a number (expected e.g. 3, -0.25, 1e-3 or 7/2)") != std::string::npos);
  }
  CHECK(rational_error("1e100001") == "'1e100001' has an exponent beyond the limit of 100000");
  // The non-throwing form gives the reason without the text (callers quote it).
  std::string why;
  CHECK_FALSE(try_parse_rational(std::string("1\0", 2), why));
  CHECK(why == "is not a number (expected e.g. 3, -0.25, 1e-3 or 7/2)");
  CHECK_FALSE(try_parse_rational("1/2/3", why));
  CHECK(why == "has more than one '/' (expected one fraction INTEGER/INTEGER such as 7/2)");
  CHECK(try_parse_rational("-7/2", why) == Rational(-7, 2));
}

TEST_CASE("loopcert run --lambda 1/2/3 exits 2 instead of running with 3/2", "[input][rational][cli]") {
  const auto r = testing::run_cli("run examples/subleq/multiply.sq --lambda 1/2/3");
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("'1/2/3' has more than one '/'") != std::string::npos);
}

// ---------------------------------------------------------------------------------
// Defect 2: a directory given as an input file

TEST_CASE("a directory as .sq program, CSV or table says 'is a directory'", "[input][files]") {
  const std::string dir = temp_dir("dir");
  CHECK(message_of<InputError>([&] { isa::load_sq(dir); }) == dir + ": error: is a directory (expected a readable .sq file)");

  const std::string files = temp_dir("files");
  const std::string cmds = write_file(files, "cmds.csv", kGoodCmds);
  const std::string mem = write_file(files, "mem.csv", kGoodMem);
  CHECK(isa::load_official_csv(cmds, mem, kLayout).command_count() == 2);
  CHECK(message_of<InputError>([&] { isa::load_official_csv(dir, mem, kLayout); }) ==
        dir + ": error: is a directory (expected a commands CSV with header a,b,c)");
  CHECK(message_of<InputError>([&] { isa::load_official_csv(cmds, dir, kLayout); }) ==
        dir + ": error: is a directory (expected a memory CSV with header mem)");

  CHECK(message_of<std::invalid_argument>([&] { read_table(dir); }) ==
        dir + ": is a directory (expected a table file of x y points)");
  const std::string table = write_file(files, "table.txt", "x y\n0 0\n1 1\n");
  CHECK(read_table(table).size() == 2);
  CHECK(message_of<std::invalid_argument>([&] { read_table(dir + "/missing.txt"); })
            .find(dir + "/missing.txt: cannot open table file: No such file or directory") == 0);
}

TEST_CASE("loopcert run DIR, --mem DIR and --table DIR exit 2 naming the directory", "[input][files][cli]") {
  const std::string dir = temp_dir("cli_dir");
  const std::string files = temp_dir("cli_files");
  const std::string cmds = write_file(files, "cmds.csv", kGoodCmds);
  for (const std::string& args : {"run " + dir, "run --cmds " + cmds + " --mem " + dir + " --layout 2,3,7,8",
                                  "verify sigmoid --f table --table " + dir}) {
    const auto r = testing::run_cli(args);
    INFO(args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(dir + ": ") != std::string::npos);
    CHECK(r.err.find("is a directory") != std::string::npos);
  }
}

// ---------------------------------------------------------------------------------
// Defect 3: a first line is a header only when none of its fields is a number

TEST_CASE("table: '0 nan' or '0 inf' on the first line is data, not a header", "[input][table]") {
  CHECK(table_error("0 nan\n1 1\n2 2\n") == "t:1:3: y value 'nan' is not a finite number (expected e.g. 3, -0.25, 1e-3 or 7/2)");
  CHECK(table_error("0 inf\n1 1\n2 2\n") == "t:1:3: y value 'inf' is not a finite number (expected e.g. 3, -0.25, 1e-3 or 7/2)");
  CHECK(table_error("nan 0\n1 1\n2 2\n").rfind("t:1:1: x value 'nan' is not a finite number", 0) == 0);
  CHECK(table_error("-inf nan\n1 1\n2 2\n").rfind("t:1:1: x value '-inf'", 0) == 0);
  CHECK(table_error("0 zero\n1 1\n2 2\n").rfind("t:1:3: y value 'zero' is not a number", 0) == 0);
  CHECK(table_error("0 0x1p3\n1 1\n2 2\n").rfind("t:1:3: y value '0x1p3' is not a number", 0) == 0);
  // Real headers are still skipped, with or without a comment before them.
  CHECK(parse_table("x,y\n0 0\n1 1\n", "t").size() == 2);
  CHECK(parse_table("# table\n  time ; value\n0 0\n1 1\n", "t").size() == 2);
  CHECK(parse_table("x y z\n0 0\n1 1\n", "t").size() == 2);
  // Only the first line may be a header.
  CHECK(table_error("x,y\nx,y\n0 0\n1 1\n").rfind("t:2:1: x value 'x' is not a number", 0) == 0);
}

// ---------------------------------------------------------------------------------
// Defect 4: table errors name the column

TEST_CASE("table errors give FILE:LINE:COL of the offending field", "[input][table]") {
  CHECK(table_error("0 0\n1 z\n") == "t:2:3: y value 'z' is not a number (expected e.g. 3, -0.25, 1e-3 or 7/2)");
  CHECK(table_error("0 0\n  1,\tq\n").rfind("t:2:6: y value 'q'", 0) == 0);
  CHECK(table_error("0 0\n; 1/0 ; 2\n") == "t:2:3: x value '1/0' divides by zero");
  CHECK(table_error("0 0\n1 1/2/3\n").rfind("t:2:3: y value '1/2/3' has more than one '/'", 0) == 0);
  CHECK(table_error("0 0\n1 1\n 0.5 2\n") == "t:3:2: x must be strictly increasing, but x = 0.5 follows x = 1 (line 2)");
  // A wrong number of fields is a fault of the whole line: FILE:LINE only.
  CHECK(table_error("0 0\n1 2 3\n") == "t:2: expected two numbers 'x y' (or 'x,y'), got '1 2 3'");
}

// ---------------------------------------------------------------------------------
// Defect 5: values that double cannot hold

TEST_CASE("table: values that round to 0 or inf as doubles are rejected", "[input][table]") {
  CHECK(table_error("0 0\n1e-999 1\n2 2\n") ==
        "t:2:1: x value '1e-999' is too small for a double: it rounds to 0 (expected 0 itself or a magnitude of about "
        "4.9e-324 or more)");
  CHECK(table_error("0 1e999\n1 1\n") ==
        "t:1:3: y value '1e999' is too large for a double: it rounds to inf (expected a magnitude below about 1.8e308)");
  CHECK(table_error("0 -1e999\n1 1\n").rfind("t:1:3: y value '-1e999' is too large for a double: it rounds to -inf", 0) == 0);
  CHECK(table_error("0 1/1" + std::string(400, '0') + "\n1 1\n").rfind("t:1:3: y value '1/1000", 0) == 0);
  // Exact zeros, subnormals and the largest doubles are fine.
  const auto knots = parse_table("-1e308 0.000\n0 1e-320\n1.7e308 -1e308\n", "t");
  REQUIRE(knots.size() == 3);
  CHECK(knots[1].y == Rational(1, BigInt(boost::multiprecision::pow(BigInt(10), 320))));
}

TEST_CASE("verify sigmoid: a table value of 1e999 exits 2, not 'holds (vacuous)'", "[input][table][cli]") {
  const std::string table = write_file(temp_dir("cli_table"), "huge.txt", "0 0\n1 1e999\n");
  const auto r = testing::run_cli("verify sigmoid --f table --table " + table + " --terms 4 --trials 10");
  INFO(r.out << r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find(table + ":2:3: y value '1e999' is too large for a double") != std::string::npos);
}

TEST_CASE("table: x increasing exactly but not after rounding to double is rejected", "[input][table]") {
  CHECK(table_error("0 0\n1 1\n1.00000000000000001 2\n") ==
        "t:3:1: x = 1.00000000000000001 and x = 1 (line 2) round to the same double, 1 (expected x values that "
        "stay strictly increasing when rounded to double)");
  CHECK(table_error("0 0\n1e-400 1\n").find("too small for a double") != std::string::npos);
  CHECK(parse_table("0 0\n1.0000000000000002 1\n", "t").size() == 2);  // the next double up
}

// ---------------------------------------------------------------------------------
// Defect 6: long or binary text in messages

TEST_CASE("excerpt: at most 40 characters, non-printable bytes as hex escapes", "[input][excerpt]") {
  CHECK(excerpt("bad-token") == "bad-token");
  CHECK(excerpt(std::string(40, 'a')) == std::string(40, 'a'));
  CHECK(excerpt(std::string(41, 'a')) == std::string(40, 'a') + "...");
  CHECK(excerpt(std::string("A\0B", 3)) == "A\\x00B");
  CHECK(excerpt("tab\there\r\n\x7f\xff") == "tab\\x09here\\x0D\\x0A\\x7F\\xFF");
  CHECK(excerpt(std::string(39, 'a') + "\x01") == std::string(39, 'a') + "...");  // no half escape
}

TEST_CASE(".sq: a NUL byte in an operand is shown, not a cut-off message", "[input][excerpt][assembler]") {
  const std::string text(".mem A 1\nsubleq A\0B, A\n", 24);
  CHECK(message_of<InputError>([&] { isa::assemble_sq(text, "t.sq"); }) ==
        "t.sq:2:8: error: bad operand 'A\\x00B' (expected a cell name declared with .mem)");
}

TEST_CASE(".sq: a long name is quoted shortened", "[input][excerpt][assembler]") {
  const std::string name(100000, 'N');
  const std::string message =
      message_of<InputError>([&] { isa::assemble_sq(".mem A 1\nsubleq A, " + name + "\n", "t.sq"); });
  CHECK(message == "t.sq:2:11: error: undeclared cell '" + std::string(40, 'N') + "...' (expected a cell declared with '.mem " +
                       std::string(40, 'N') + "... VALUE')");
  const std::string value(5000, '9');
  CHECK(message_of<InputError>([&] { isa::assemble_sq(".mem A " + value + "\nhalt\n", "t.sq"); }).size() < 200);
}

TEST_CASE("CSV: a 3 MB first field is quoted shortened", "[input][excerpt][csv]") {
  const std::string field(3'000'000, '7');
  const std::string message = message_of<InputError>(
      [&] { isa::parse_official_csv(field + ",2,3\n2,3,6\n4,4,6\n", "c.csv", kGoodMem, "m.csv", kLayout); });
  CHECK(message == "c.csv:1:1: error: wrong header '" + std::string(40, '7') + "...' (expected 'a,b,c')");
  const std::string in_data = message_of<InputError>(
      [&] { isa::parse_official_csv(kGoodCmds, "c.csv", "mem\n0\n" + field + "\n5\n", "m.csv", kLayout); });
  CHECK(in_data.rfind("m.csv:3:1: error: value = " + std::string(40, '7') + "... is too large", 0) == 0);
  CHECK(message_of<InputError>([&] { isa::parse_official_csv(kGoodCmds, "c.csv", std::string("mem\n0\n1\0", 8) + "\n5\n", "m.csv", kLayout); }) ==
        "m.csv:3:1: error: value is '1\\x00', not an integer (expected a signed 8-bit integer, -128..127)");
  CHECK(message_of<InputError>([&] { isa::parse_layout(std::string(1000, ',')); }).size() < 200);
}

TEST_CASE("table: long or binary fields are quoted shortened", "[input][excerpt][table]") {
  const std::string message = table_error("0 0\n1 " + std::string(3'000'000, 'z') + "\n");
  CHECK(message.rfind("t:2:3: y value '" + std::string(40, 'z') + "...' is not a number", 0) == 0);
  CHECK(message.size() < 200);
  CHECK(table_error(std::string("0 0\n1 \x01\0", 8) + "\n").rfind("t:2:3: y value '\\x01\\x00' is not a number", 0) == 0);
  CHECK(table_error("0 0\n1 2 " + std::string(100000, 'w') + "\n").size() < 200);
}
