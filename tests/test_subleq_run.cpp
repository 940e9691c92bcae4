// The SUBLEQ transformer in lockstep with the reference machine on every example and
// official program, at double with the default temperature and in exact arithmetic.
#include <catch2/catch.hpp>

#include <filesystem>

#include "bounds/subleq_loop.hpp"
#include "analysis/lockstep.hpp"
#include "compile/subleq/compiler.hpp"
#include "compile/subleq/target.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/machine.hpp"
#include "isa/subleq/official_csv.hpp"
#include "tf/transformer.hpp"

using namespace loopcert;
namespace fs = std::filesystem;

namespace {

const std::string kExamples = std::string(LOOPCERT_SOURCE_DIR) + "/examples/subleq/";

std::string official_dir() {
  for (const std::string& dir : {std::string(LOOPCERT_SOURCE_DIR) + "/../shared/compat/official", std::string(LOOPCERT_SOURCE_DIR) + "/tests/data/official"})
    if (fs::exists(dir + "/ftrl_cmds.csv")) return dir;
  return "";
}

analysis::RunOptions defaults(const isa::SubleqProgram& p, const std::string& scalar) {
  analysis::RunOptions o;
  o.scalar = parse_scalar(scalar);
  o.lambda = compile::default_lambda(p, blocks::BlockParams{});
  return o;
}

void expect_agreement(const isa::SubleqProgram& p, const std::string& scalar) {
  const auto r = analysis::run_lockstep(compile::subleq_target(p, {}), defaults(p, scalar));
  const auto ref = isa::run_machine(p, 100000, false);
  INFO(p.source << " at " << scalar << ": " << (r.first_divergence ? r.first_divergence->field + " " + r.first_divergence->detail : "ok"));
  CHECK(r.agree);
  CHECK(r.halted);
  CHECK(r.steps == ref.steps);
  CHECK(r.loops == ref.steps + 1);  // one extra loop past the halt, which must change nothing
  CHECK(compile::cell_values(r.memory) == ref.states.back().memory);
  if (scalar == "exact") CHECK(r.max_drift == 0);
  else CHECK(r.max_drift < 0.25);
}

}  // namespace

TEST_CASE("every example agrees with the reference at double, default lambda", "[subleq][run]") {
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    if (entry.path().extension() != ".sq") continue;
    expect_agreement(isa::load_sq(entry.path().string()), "double");
  }
}

TEST_CASE("every official CSV program agrees at double, default lambda", "[subleq][run][official]") {
  const std::string dir = official_dir();
  if (dir.empty()) {
    WARN("official CSV programs not found (../shared/compat/official); skipped");
    return;
  }
  const std::pair<const char*, const char*> programs[] = {
      {"subleq", "8,8,32,8"}, {"ftrl", "2,10,23,15"}, {"reverse_list", "2,11,38,5"}, {"linear_search", "2,14,94,6"}};
  for (const auto& [name, layout] : programs) {
    const auto p = isa::load_official_csv(dir + "/" + name + "_cmds.csv", dir + "/" + name + "_init_mem.csv", isa::parse_layout(layout));
    expect_agreement(p, "double");
  }
}

TEST_CASE("exact scalars with hardmax: every example runs with zero drift", "[subleq][run][exact]") {
  for (const char* name : {"multiply", "factorial", "fibonacci", "divmod", "gcd", "sort"})
    expect_agreement(isa::load_sq(kExamples + name + ".sq"), "exact");
}

TEST_CASE("exact scalars with hardmax: the long loop runs with zero drift", "[subleq][run][exact][slow]") {
  expect_agreement(isa::load_sq(kExamples + "long_loop.sq"), "exact");
}

TEST_CASE("the halt is a fixed point: loops past it change nothing", "[subleq][run]") {
  const auto p = isa::load_sq(kExamples + "gcd.sq");
  const auto compiled = compile::compile_subleq(p, {});
  auto tf = instantiate<Rational>(compiled.loop, AttentionMode::Hardmax);
  Matrix<Rational> X = compiled.X0;
  const auto ref = isa::run_machine(p, 1000, false);
  for (std::int64_t i = 0; i < ref.steps; ++i) tf.apply_loop(X);
  const Matrix<Rational> halted = X;
  for (int i = 0; i < 5; ++i) tf.apply_loop(X);
  CHECK(X == halted);
}

TEST_CASE("decode reports an entry that is not a bit instead of rounding it", "[subleq][decode]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  const Layout layout = compile::subleq_layout(p);
  Matrix<double> X = to_scalar<double>(compile::encode(layout, p, 0, p.memory));
  REQUIRE_FALSE(compile::decode(layout, p, X, 0.25).invalid);
  X(layout.row("mem", 2), p.memory_column(1)) = 0.6;  // 0.4 from +1: outside the tolerance
  const auto d = compile::decode(layout, p, X, 0.25);
  REQUIRE(d.invalid);
  CHECK(d.invalid->row == layout.row("mem", 2));
  CHECK(d.invalid->column == p.memory_column(1));
  CHECK(d.invalid->where.find("mem[2]") != std::string::npos);
}

TEST_CASE("encode/decode round trip on the punchcard", "[subleq][decode]") {
  const auto p = isa::load_sq(kExamples + "fibonacci.sq");
  const Layout layout = compile::subleq_layout(p);
  for (int pc = 0; pc < p.command_count(); ++pc) {
    const auto d = compile::decode(layout, p, to_scalar<double>(compile::encode(layout, p, pc, p.memory)), 0.25);
    CHECK(d.pc == pc);
    CHECK(d.memory == p.memory);
  }
}

TEST_CASE("the layout names every row block and the loop reports its size", "[subleq][layout]") {
  const auto p = isa::load_sq(kExamples + "multiply.sq");
  const auto compiled = compile::compile_subleq(p, {});
  for (const char* name : {"pos", "is_work", "is_mem", "cmd_a", "cmd_b", "cmd_c", "mem", "pc", "ins_a", "ins_b", "ins_c", "val_a",
                           "val_b", "diff", "next", "flag", "wbuf", "whit"})
    CHECK(compiled.layout.has(name));
  CHECK(compiled.loop.layers.size() == 5);
  CHECK(compiled.loop.head_count() == 4);
  CHECK(compiled.loop.max_heads_per_layer() == 2);
}

TEST_CASE("a program wider than the adder's exact range is refused with a reason", "[subleq][compile]") {
  isa::SubleqProgram p;
  p.bits = 64;
  p.cell_names = {"x"};
  p.memory = {0};
  p.commands = {{0, 0, 0, 1}};
  CHECK_THROWS_WITH(compile::compile_subleq(p, {}), Catch::Contains("N <= 62"));
}
