// The FLEQ programs with elementwise functions (sigmoid, exp, recip, sqrt, rsqrt) on the
// transformer, in lockstep with two exact machines:
//  - the block-exact machine (compile/fleq/block_exact.hpp: each function replaced by its
//    block's sum of sigmoids): every program agrees within the default 1e-6 (what is left
//    is leak, rounding and the products' linearisation);
//  - the ideal machine: the controller agrees at every loop; the real cells agree within
//    1e-6 where the function results are exact (sigmoid) or polished by Newton steps,
//    and within the fleq_function bound (bounds/fleq_function.hpp with the certified fit)
//    where a function's result is used directly (exp_sigmoid's e, roots' r).
// backprop_221.fq runs 300 of its 5737 steps (about 5 epochs) unless LOOPCERT_FLEQ_LONG
// is set. At mpfr:128 every function example runs too, the first kMpfrSteps steps of
// each (all of the short ones; the power iterations and backprop_221 in part), and as at
// double with LOOPCERT_FLEQ_LONG.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bounds/fleq_function.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "compile/fleq/block_exact.hpp"
#include "compile/fleq/functions.hpp"
#include "core/scalar_name.hpp"
#include "fleq_lockstep.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
using namespace loopcert::test_fleq;

namespace {

struct Runs {
  Lockstep block_exact, ideal;
};

// mpfr:128 costs 10 to 70 ms of CPU per loop on these punchcards (the fitted functions
// have 32 heads per data row), twice (block-exact and ideal): 12 steps run arith,
// exp_sigmoid and functions whole and the others' first 12 steps in about 5 s.
constexpr std::int64_t kMpfrSteps = 12;

std::int64_t step_limit(const std::string& name, const std::string& scalar) {
  if (std::getenv("LOOPCERT_FLEQ_LONG")) return 20000;
  if (scalar != "double") return kMpfrSteps;
  return name == "icl/backprop_221.fq" ? 300 : 20000;
}

template <class T>
Runs run_both(const fq::FleqProgram& p, const cf::CompiledFleq& compiled, std::int64_t steps, double ideal_tolerance) {
  const fq::OpTable table = cf::block_exact_ops(compiled.constants);
  fq::MachineOptions block_exact;
  block_exact.table = &table;
  return {run_lockstep<T>(p, compiled, steps, block_exact, true), run_lockstep<T>(p, compiled, steps, {}, true, ideal_tolerance)};
}

// The bound on one directly used function result (a stored operand read once, the result
// written once): fleq_function_total at the compiled fit, its certificate on the widened
// range and the read's leak, plus the write's error.
double direct_result_bound(const cf::CompiledFleq& c, fq::Function f, const std::string& scalar) {
  const blocks::FunctionFit& fit = *c.constants.functions[static_cast<std::size_t>(f)];
  // The certificate stops within 2^-60 of its lower end (still an upper bound): sigmoid's
  // one-term sum is sigma itself, whose zero error the default 1e-30 bisects for seconds.
  cert::CertifyOptions options;
  options.absolute_tolerance = 0x1p-60;
  const double certified = cert::certify(cf::widened_target(fit), fit.sum, options).bound;
  const bounds::FleqFunctionInputs in = cf::fleq_function_bound_inputs(fit, c.layout.columns(), c.constants.read_error, certified);
  return bounds::fleq_function_total(in, bounds::rounding_model(parse_scalar(scalar))) + c.constants.write_error;
}

// The ideal machine's tolerance for each function example: 1e-6 where results are exact
// (sigmoid) or polished by Newton steps; where fitted results are kept as they are, the
// largest bound of the program's functions (each result used directly); none (0) where
// results are chained through further functions (expression, power iteration, any new
// example): then only the block-exact run is judged.
double ideal_tolerance(const std::string& name, const cf::CompiledFleq& c, const std::string& scalar) {
  if (name == "calc/arith.fq" || name == "icl/backprop_221.fq") return kTolerance;
  if (name != "calc/exp_sigmoid.fq" && name != "calc/roots.fq" && name != "calc/functions.fq") return 0;
  double tolerance = kTolerance;
  for (int k = 0; k < fq::kFunctionCount; ++k)
    if (c.constants.functions[k]) tolerance = std::max(tolerance, direct_result_bound(c, static_cast<fq::Function>(k), scalar));
  return tolerance;
}

// Every example that uses an elementwise function, as "dir/file.fq".
std::vector<std::string> function_programs() {
  std::vector<std::string> out;
  for (const auto& dir : std::filesystem::directory_iterator(kExamples))
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
      if (cf::geometry(fq::load_fq(entry.path().string())).uses_functions())
        out.push_back(dir.path().filename().string() + "/" + entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void check_program(const std::string& name, const std::string& scalar) {
  const fq::FleqProgram p = fq::load_fq(kExamples + name);
  REQUIRE(cf::geometry(p).uses_functions());
  const double u = unit_roundoff(scalar);
  const cf::CompiledFleq compiled = cf::compile_fleq(p, {u});
  const double tolerance = ideal_tolerance(name, compiled, scalar);
  const std::int64_t steps = step_limit(name, scalar);
  Runs r;
  if (scalar == "double") {
    r = run_both<double>(p, compiled, steps, tolerance > 0 ? tolerance : 1.0);
  } else {
    MpfrPrecisionScope scope(128);
    r = run_both<MpfrReal>(p, compiled, steps, tolerance > 0 ? tolerance : 1.0);
  }
  INFO(name << " at " << scalar << ": block-exact " << (r.block_exact.divergence.empty() ? "ok" : r.block_exact.divergence) << ", ideal "
            << (r.ideal.divergence.empty() ? "ok" : r.ideal.divergence) << ", ideal tolerance " << tolerance);
  if (std::getenv("LOOPCERT_FLEQ_REPORT"))
    std::printf("%s at %s: %lld loops, final error vs block-exact %.3g, vs ideal %.3g (tolerance %.3g)\n", name.c_str(), scalar.c_str(),
                static_cast<long long>(r.ideal.loops), r.block_exact.max_real_error, r.ideal.max_real_error, tolerance);
  CHECK(r.block_exact.controller_agree);
  CHECK(r.block_exact.agree);
  CHECK(r.ideal.controller_agree);
  if (tolerance > 0) CHECK(r.ideal.agree);
  // A full run halts; a cut one halts exactly when the program is shorter than the cut.
  CHECK(r.ideal.halted == (steps == 20000 || fq::run_fleq_machine(p, steps).halted));
}

}  // namespace

TEST_CASE("FLEQ functions: every function example agrees with the block-exact machine at double, and with the ideal one as bounded",
          "[fleq][transformer][functions]") {
  const std::vector<std::string> programs = function_programs();
  CHECK(programs.size() >= 8);
  for (const std::string& name : programs) check_program(name, "double");
}

TEST_CASE("FLEQ functions: every function example at mpfr:128 (its first steps)", "[fleq][transformer][functions][mpfr]") {
  const std::vector<std::string> programs = function_programs();
  CHECK(programs.size() >= 8);
  for (const std::string& name : programs) check_program(name, "mpfr:128");
}

TEST_CASE("FLEQ functions: one head per (term, row) in the products layer", "[fleq][transformer][functions]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "calc/exp_sigmoid.fq");
  const cf::CompiledFleq c = cf::compile_fleq(p);
  const cf::LoopShape s = cf::loop_shape(c.loop);
  int function_heads = 0;
  for (int k = 0; k < fq::kFunctionCount; ++k)
    if (c.constants.functions[k]) function_heads += static_cast<int>(c.constants.functions[k]->sum.terms.size()) * c.geometry.function_rows[k];
  CHECK(c.constants.functions[static_cast<int>(fq::Function::sigmoid)]->sum.terms.size() == 1);
  CHECK(c.constants.functions[static_cast<int>(fq::Function::exp)]->sum.terms.size() == static_cast<std::size_t>(cf::default_function_terms(fq::Function::exp)));
  const int hadamard_heads = c.geometry.hadamard ? c.geometry.rows : 0;
  CHECK(s.heads == 9 + hadamard_heads + function_heads);
  CHECK(s.heads_per_layer[3] == 3 + hadamard_heads + function_heads);
  CHECK(c.layout.columns() % 2 == 0);
}

TEST_CASE("FLEQ functions: a function's range reaching 0 is refused with the directive to write", "[fleq][transformer][functions]") {
  const fq::FleqProgram p = fq::assemble_fq(".real x = 2\n.real r\n        r = sqrt x\n        halt\n", "sqrt0.fq");
  try {
    cf::compile_fleq(p);
    FAIL("compiled a sqrt on 0..16");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains(".range sqrt LO..HI"));
  }
}

TEST_CASE("FLEQ functions: a broken function weight leaves the tolerance", "[fleq][transformer][functions][negative]") {
  const fq::FleqProgram p = fq::load_fq(kExamples + "calc/exp_sigmoid.fq");
  cf::CompiledFleq compiled = cf::compile_fleq(p);
  // The exp heads' value weights 2^-12 too large (the block-exact table keeps the true weights).
  int broken = 0;
  for (auto& head : compiled.loop.layers[3].heads)
    if (head.name.rfind("fleq_exp[", 0) == 0)
      for (auto& e : head.value.entries) e.value *= 1 + Rational(1, 4096), ++broken;
  REQUIRE(broken == cf::default_function_terms(fq::Function::exp));
  const fq::OpTable table = cf::block_exact_ops(compiled.constants);
  fq::MachineOptions block_exact;
  block_exact.table = &table;
  const Lockstep r = run_lockstep<double>(p, compiled, 100, block_exact);
  INFO(r.divergence << ", real error " << r.max_real_error);
  CHECK_FALSE(r.agree);
}

TEST_CASE("FLEQ functions: .terms sets the number of heads of a fitted function", "[fleq][transformer][functions]") {
  const fq::FleqProgram p = fq::assemble_fq(".terms exp 8\n.range exp -1..1\n.real x 2x1 = [[1/2], [-1/2]]\n.real y 2x1\n        y = exp x\n        halt\n", "terms.fq");
  const cf::CompiledFleq c = cf::compile_fleq(p);
  const auto& fit = *c.constants.functions[static_cast<int>(fq::Function::exp)];
  CHECK(fit.sum.terms.size() == 8);
  CHECK(c.geometry.function_rows[static_cast<int>(fq::Function::exp)] == 2);
  CHECK(cf::loop_shape(c.loop).heads_per_layer[3] == 3 + 8 * 2);
  const fq::OpTable table = cf::block_exact_ops(c.constants);
  fq::MachineOptions block_exact;
  block_exact.table = &table;
  const Lockstep r = run_lockstep<double>(p, c, 100, block_exact);
  INFO(r.divergence);
  CHECK(r.agree);
}
