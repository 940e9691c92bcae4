// `loopcert run P.fq`: the FLEQ loop theorem in the run (proofs/fleq_loop.md,
// cli/run_fleq_theorem.hpp), --decompose (the block-exact machine beside the exact one),
// the streamed trace and the memory estimate. The bounds printed are compared with
// bounds::fleq_instruction_bound evaluated here from the compiled program; the observed
// errors with them. Negative checks: a scalar whose rounding breaks the controller's
// conditions is not certified (and the precision it is told it needs is), a matmul head
// 2^-20 too large is reported as a violated bound, and a FLEQ run too large for memory
// is refused before any work.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/fleq_loop_constants.hpp"
#include "analysis/lockstep.hpp"
#include "bounds/fleq_loop.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "cli/run_fleq_theorem.hpp"
#include "cli_runner.hpp"
#include "compile/fleq/compiler.hpp"
#include "compile/fleq/functions.hpp"
#include "compile/fleq/target.hpp"
#include "isa/fleq/assembler.hpp"

using namespace loopcert;
using loopcert::testing::run_cli;
using nlohmann::json;
namespace cf = loopcert::compile::fleq;
namespace fq = loopcert::isa::fleq;

namespace {

json run_json(const std::string& args, int status = 0) {
  const auto r = run_cli("run " + args + " --json");
  INFO(args << ": " << r.err);
  REQUIRE(r.status == status);
  return json::parse(r.out);
}

// The bound of every writing instruction, evaluated here: the compiled program's
// constants, each fit's certified error (cert::certify on the widened range).
std::vector<double> expected_bounds(const std::string& path, double u) {
  const fq::FleqProgram p = fq::load_fq(testing::source_dir() + "/" + path);
  const cf::CompiledFleq c = cf::compile_fleq(p, {u});
  std::vector<double> errors(fq::kFunctionCount, INFINITY);
  cert::CertifyOptions options;
  options.absolute_tolerance = 0x1p-60;
  for (int f = 0; f < fq::kFunctionCount; ++f)
    if (const auto& fit = c.constants.functions[static_cast<std::size_t>(f)]) errors[f] = cert::certify(cf::widened_target(*fit), fit->sum, options).bound;
  const bounds::FleqLoopConstants k = analysis::fleq_loop_constants(p, c, errors);
  std::vector<double> out;
  for (int pc = 0; pc < p.instruction_count(); ++pc)
    if (const auto shape = analysis::fleq_instruction_shape(p, pc); shape && !shape->int_result)
      out.push_back(bounds::fleq_instruction_bound(k, *shape, u).total);
  return out;
}

}  // namespace

TEST_CASE("run P.fq: each written cell's bound, the observed error against it, and the verdict", "[fleq][run][cli][theorem]") {
  for (const std::string path : {"examples/fleq/linalg/newton_a3.fq", "examples/fleq/calc/arith.fq"}) {
    INFO(path);
    const json j = run_json(path);
    const json& t = j["loop_theorem"];
    CHECK(t["certified"] == true);
    CHECK(j["bounds"]["certified"] == true);
    CHECK(t["controller"]["exact"] == true);
    CHECK(t["fails"].empty());
    const std::vector<double> want = expected_bounds(path, 0x1p-53);
    std::vector<double> got;
    int observed_nonzero = 0;
    for (const auto& in : t["instructions"]) {
      if (in["real"] != true) continue;
      got.push_back(in["bound"].get<double>());
      if (in["loops"].get<int>() == 0) continue;
      const double observed = in["observed"].get<double>(), bound = in["bound"].get<double>();
      CHECK(observed <= bound);
      CHECK(in["ratio"].get<double>() == observed / bound);
      observed_nonzero += observed > 0;
    }
    CHECK(got == want);
    CHECK(observed_nonzero >= 3);  // the products and functions leave a measurable error
    // Per cell: the worst bound and the worst ratio over its instructions.
    for (const auto& [cell, c] : t["cells"].items()) {
      double bound = 0, ratio = 0;
      for (const auto& in : t["instructions"])
        if (in["cell"] == cell && in["loops"].get<int>() > 0) bound = std::max(bound, in["bound"].get<double>()), ratio = std::max(ratio, in["ratio"].get<double>());
      CHECK(c["bound"].get<double>() == bound);
      CHECK(c["ratio"].get<double>() == ratio);
    }
  }
  // The fits: one entry per function the program uses.
  const json arith = run_json("examples/fleq/calc/arith.fq");
  REQUIRE(arith["constants"]["functions"].size() == 1);
  const json& recip = arith["constants"]["functions"][0];
  CHECK(recip["function"] == "recip");
  CHECK(recip["terms"].get<int>() == cf::default_function_terms(fq::Function::recip));
  CHECK(recip["fit_error"].get<double>() > 0);
  CHECK(recip["sum_abs_c"].get<double>() > 0);
}

TEST_CASE("run P.fq: a scalar too coarse for the controller is not certified, and what it needs is", "[fleq][run][cli][theorem][negative]") {
  const json coarse = run_json("examples/fleq/linalg/newton_a3.fq --scalar fp16", 1);
  const json& t = coarse["loop_theorem"];
  CHECK(t["certified"] == false);
  CHECK(coarse["bounds"]["certified"] == false);
  CHECK(t["controller"]["exact"] == false);
  REQUIRE(t["needs"].is_string());
  const std::string needs = t["needs"];
  const auto at = needs.find("mpfr:");
  REQUIRE(at != std::string::npos);
  const std::string scalar = needs.substr(at, needs.find(' ', at) - at);
  const json ok = run_json("examples/fleq/linalg/newton_a3.fq --data-tolerance 0.5 --scalar " + scalar);
  INFO(scalar);
  CHECK(ok["loop_theorem"]["certified"] == true);
  const auto text = run_cli("run examples/fleq/linalg/newton_a3.fq --scalar fp16");
  CHECK(text.out.find("NOT certified at fp16: controller") != std::string::npos);
}

TEST_CASE("run P.fq: a matmul head 2^-20 too large is a violated bound, never certified", "[fleq][run][theorem][negative]") {
  const fq::FleqProgram p = fq::load_fq(testing::source_dir() + "/examples/fleq/linalg/newton_a3.fq");
  for (const bool broken : {false, true}) {
    cf::CompiledFleq c = cf::compile_fleq(p, {0x1p-53});
    if (broken)
      for (auto& head : c.loop.layers[3].heads)
        if (head.name == "fleq_matmul")
          for (auto& e : head.value.entries) e.value *= 1 + Rational(1, 1 << 20);
    auto compiled = std::make_shared<const cf::CompiledFleq>(c);
    auto log = std::make_shared<compile::RealErrorLog>();
    compile::FleqTargetOptions options;
    options.data_tolerance = 0.5;
    const compile::LoopTarget target = compile::fleq_target(p, compiled, options, log);
    analysis::RunOptions run;
    run.scalar = ScalarSpec{ScalarKind::Double};
    run.lambda = target.predict.default_lambda;
    const analysis::RunResult r = analysis::run_lockstep(target, run);
    report::FleqTheorem t = cli::fleq_theorem(p, *compiled, run.scalar);
    cli::fleq_verdict(t, p, *log, r);
    INFO((broken ? "broken: " : "intact: ") << report::fleq_verdict_text(t));
    CHECK(t.violated == broken);
    CHECK(t.certified == !broken);
  }
}

TEST_CASE("run P.fq --decompose: approximation (block-exact vs ideal) and leak plus rounding (transformer vs block-exact)",
          "[fleq][run][cli][decompose]") {
  // No function: the block-exact machine is the exact one, all of the error is leak and rounding.
  const json newton = run_json("examples/fleq/linalg/newton_a3.fq --decompose --trace");
  REQUIRE(newton["decomposition"].is_object());
  CHECK(newton["decomposition"]["approximation_max"]["error"].get<double>() == 0);
  for (const auto& row : newton["trace"])
    if (row.contains("leak_rounding") && !row["leak_rounding"].is_null()) CHECK(row["leak_rounding"] == row["cell_error"]);
  // recip: its approximation is seen where the fit's result is kept, and per loop the two
  // parts bound the destination's error (triangle inequality; each part is rounded up).
  const json arith = run_json("examples/fleq/calc/arith.fq --decompose --trace");
  const json& d = arith["decomposition"];
  CHECK(d["cells"]["y"]["approximation_max"].get<double>() > 0);
  CHECK(d["cells"]["p"]["approximation_max"].get<double>() == 0);  // p = scale a, b: before any recip
  int rows = 0;
  for (const auto& row : arith["trace"]) {
    if (!row.contains("approximation") || row["approximation"].is_null()) continue;
    ++rows;
    const double e = row["cell_error"], a = row["approximation"], l = row["leak_rounding"];
    // leak is relative to max(1, |block-exact|) <= max(1, |ideal|) (1 + a): hence l (1 + a).
    CHECK(e <= (a + l * (1 + a)) * (1 + 0x1p-50));
    CHECK(a <= (e + l * (1 + a)) * (1 + 0x1p-50));
  }
  CHECK(rows >= 8);
  const auto text = run_cli("run examples/fleq/calc/arith.fq --decompose");
  CHECK(text.status == 0);
  CHECK(text.out.find("approximation (block-exact vs ideal) max") != std::string::npos);
}

TEST_CASE("run P.fq --trace: each row is printed as its loop ends, with the bound beside the observed error", "[fleq][run][cli]") {
  const auto r = run_cli("run examples/fleq/calc/arith.fq --trace --decompose");
  INFO(r.err);
  REQUIRE(r.status == 0);
  // Streamed: the trace comes before the report, which is written after the run.
  const auto header = r.out.find("own/bound");
  REQUIRE(header != std::string::npos);
  CHECK(header < r.out.find("program      "));
  CHECK(r.out.find("leak+rnd") == r.out.find("approx    leak+rnd") + 10);
  CHECK(r.out.find("y = recip b") < r.out.find("program      "));
}

TEST_CASE("run P.fq: a run too large for memory is refused before any work", "[fleq][run][cli][limits][negative]") {
  const std::string path = (std::filesystem::temp_directory_path() / "loopcert_fleq_wide.fq").string();
  {
    std::ofstream out(path);
    out << ".k 4\n.bound 4\n";
    for (int c = 0; c < 300; ++c) out << ".real m" << c << " 4x4\n";
    out << "        m0 = add m1, m2\n        halt\n";
  }
  const auto big = run_cli("run " + path + " --scalar mpfr:1048576");
  INFO(big.err);
  CHECK(big.status == 2);
  CHECK(big.err.find("a FLEQ run at mpfr:1048576 needs about") != std::string::npos);
  CHECK(big.err.find("the limit is") != std::string::npos);
  CHECK(big.out.empty());
  CHECK(run_cli("run " + path + " --max-steps 1").status == 0);  // the same program at double runs
  std::filesystem::remove(path);
}
