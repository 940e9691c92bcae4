// Issue 16, item 7 for the search flags: --bits LO..HI, --lambda A..B:STEP, --resolution
// and --lambda-max read core/range_flag.hpp, the syntax of every other flag. Each refusal
// below names the flag; the command-line cases show the same messages through `search`.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "cli_runner.hpp"
#include "core/range_flag.hpp"
#include "error_message.hpp"

using loopcert::IntegerRange;
using loopcert::parse_integer_flag;
using loopcert::parse_integer_range_flag;
using loopcert::parse_positive_flag;
using loopcert::parse_stepped_range_flag;
using loopcert::Rational;
using loopcert::SteppedRange;
using loopcert::testing::message_of;
using loopcert::testing::run_cli;

namespace {

std::string bits_refusal(const std::string& text) {
  return message_of<std::invalid_argument>([&] { parse_integer_range_flag("--bits", text, 2, 1 << 20, "2..64"); });
}

std::string lambda_refusal(const std::string& text) {
  return message_of<std::invalid_argument>([&] { parse_stepped_range_flag("--lambda", text, 1000, "the grid's limit"); });
}

}  // namespace

TEST_CASE("range flags: --bits takes integers as every integer flag does", "[flags][core]") {
  const IntegerRange r = parse_integer_range_flag("--bits", "+2..0064", 2, 1 << 20, "2..64");
  CHECK(r.lo == 2);
  CHECK(r.hi == 64);
  CHECK(parse_integer_range_flag("--bits", "1048576..1048576", 2, 1 << 20, "2..64").hi == 1 << 20);
  CHECK(parse_integer_flag("--jobs", "7", 1, 8) == 7);
  // Each refusal names the flag and says why.
  const std::pair<std::string, std::string> refused[] = {
      {"8", "--bits '8': missing '..'"},
      {"8..4", "--bits '8..4': HI is below LO"},
      {"1..8", "--bits (LO) '1': below the least value 2"},
      {"2..1048577", "--bits (HI) '1048577': above the limit 1048576"},
      {"2..99999999999999999999999", "above the limit 1048576"},  // no overflow
      {"0x2..8", "--bits (LO) '0x2': not an integer (digits only)"},
      {"-2..8", "--bits (LO) '-2': not an integer"},
      {"2..8.5", "--bits (HI) '8.5': not an integer"},
      {"2..1e2", "--bits (HI) '1e2': not an integer"},
      {" 2..8", "--bits (LO) ' 2': not an integer"},
      {"2..", "--bits (HI) '': not an integer"},
      {"..8", "--bits (LO) '': not an integer"},
      {"+..8", "--bits (LO) '+': not an integer"},
  };
  for (const auto& [text, why] : refused) {
    INFO(text);
    const std::string m = bits_refusal(text);
    CHECK(m.rfind("--bits '", 0) == 0);
    CHECK(m.find(why) != std::string::npos);
  }
  // Negative check: a valid range is not refused.
  CHECK(bits_refusal("2..64").empty());
}

TEST_CASE("range flags: --lambda A..B:STEP reads reals as --tolerance does", "[flags][core]") {
  const SteppedRange fraction = parse_stepped_range_flag("--lambda", "1/2..3:1/4", 1000, "the grid's limit");
  const SteppedRange decimal = parse_stepped_range_flag("--lambda", "0.5..3:0.25", 1000, "the grid's limit");
  CHECK(fraction.a == decimal.a);
  CHECK(fraction.b == decimal.b);
  CHECK(fraction.step == decimal.step);
  CHECK(decimal.step == Rational(1, 4));
  const std::pair<std::string, std::string> refused[] = {
      {"1..2", "--lambda '1..2': expected A..B:STEP"},
      {"1:2..3", "expected A..B:STEP"},
      {"2..1:1", "--lambda '2..1:1': B is below A"},
      {"1..2:0", "--lambda (STEP) must be positive"},
      {"-1..2:1", "--lambda (A) must be positive"},
      {"0x1..2:1", "--lambda (A): '0x1' is not a number"},
      {"1..2: 0.5", "--lambda (STEP): ' 0.5' is not a number"},
      {"1..inf:1", "--lambda (B): 'inf' is not a number"},
      {"1..2:7e-324", "--lambda (STEP): 7e-324 is subnormal"},
      {"1e-999..1:0.5", "--lambda (A): 1e-999 is outside the range of double"},
      {"1..2:1/0", "--lambda (STEP): '1/0' divides by zero"},
      {"1..1000:1/2", "2e+03 values, more than the grid's limit of 1000"},
  };
  for (const auto& [text, why] : refused) {
    INFO(text << " -> " << lambda_refusal(text));
    CHECK(lambda_refusal(text).find(why) != std::string::npos);
  }
  CHECK(lambda_refusal("1..1000:1").empty());  // exactly 1000 values: the limit itself
  CHECK(parse_positive_flag("--resolution", "1/4") == Rational(1, 4));
  CHECK(message_of<std::invalid_argument>([] { parse_positive_flag("--resolution", "7e-324"); })
            .find("--resolution: 7e-324 is subnormal") != std::string::npos);
}

TEST_CASE("search: --bits, --lambda, --resolution refusals name the flag before the program is read", "[cli][flags]") {
  const std::pair<std::string, std::string> refused[] = {
      {"search precision missing.sq --bits 0x2..8", "--bits (LO) '0x2': not an integer"},
      {"search precision missing.sq --bits 2..1e2", "--bits (HI) '1e2': not an integer"},
      {"search precision missing.sq --lambda 7e-324", "--lambda: 7e-324 is subnormal"},
      {"search grid missing.sq --bits 4..5 --lambda 1..2:7e-324", "--lambda (STEP): 7e-324 is subnormal"},
      {"search grid missing.sq --bits 4..5 --lambda 0x1..2:1", "--lambda (A): '0x1' is not a number"},
      {"search lambda missing.sq --resolution 7e-324", "--resolution: 7e-324 is subnormal"},
      {"search lambda missing.sq --lambda-max 0x10", "--lambda-max: '0x10' is not a number"},
  };
  for (const auto& [args, why] : refused) {
    const auto r = run_cli(args);
    INFO(args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(why) != std::string::npos);
    CHECK(r.err.find("missing.sq") == std::string::npos);
  }
  // Negative check: the fraction syntax runs (a grid of one cell).
  const auto ok = run_cli("search grid --quiet --json --max-steps 5 --bits 8..8 --lambda 7/2..7/2:1/2 examples/subleq/multiply.sq");
  INFO(ok.err);
  CHECK(ok.status == 0);
}

TEST_CASE("range flags: run's --product-c takes a power of two in the one number syntax", "[flags][core]") {
  CHECK(loopcert::parse_power_of_two_flag("--product-c", "1048576", "why") == 20);
  CHECK(loopcert::parse_power_of_two_flag("--product-c", "1/4", "why") == -2);
  CHECK(loopcert::parse_power_of_two_flag("--product-c", "1", "why") == 0);
  CHECK(loopcert::parse_power_of_two_flag("--product-c", "0.125", "why") == -3);
  for (const std::string bad : {"3", "3/4", "0", "-2", "0x10", "2^20", "1e999", ""}) {
    const std::string why = message_of<std::invalid_argument>([&] { loopcert::parse_power_of_two_flag("--product-c", bad, "why"); });
    INFO(bad << ": " << why);
    CHECK(why.rfind("--product-c", 0) == 0);
  }
  // The flag is checked before the program is read, and a SUBLEQ program is refused it.
  const auto early = run_cli("run missing.fq --product-c 3");
  INFO(early.err);
  CHECK(early.status == 2);
  CHECK(early.err.find("--product-c '3': not a power of two") != std::string::npos);
  CHECK(early.err.find("missing.fq") == std::string::npos);
}
