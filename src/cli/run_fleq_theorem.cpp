#include "cli/run_fleq_theorem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/fleq_loop_constants.hpp"
#include "bounds/common.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "compile/fleq/functions.hpp"
#include "compile/fleq/target.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::cli {

namespace {

namespace fq = isa::fleq;
namespace cf = compile::fleq;

// The certificate stops refining once within 2^-60 of its lower end (still an upper
// bound): sigmoid's one-term sum is sigma itself, and the default 1e-30 would bisect its
// zero error for seconds; the loop's other terms are above u G at every runnable scalar.
std::vector<report::FleqFitReport> certified_fits(const cf::CompiledFleq& compiled) {
  std::vector<report::FleqFitReport> out;
  cert::CertifyOptions options;
  options.absolute_tolerance = 0x1p-60;
  for (int f = 0; f < fq::kFunctionCount; ++f) {
    const auto& fit = compiled.constants.functions[static_cast<std::size_t>(f)];
    if (!fit) continue;
    report::FleqFitReport r;
    r.function = fq::function_name(static_cast<fq::Function>(f));
    r.lo = to_double(fit->f.lo), r.hi = to_double(fit->f.hi);
    r.terms = static_cast<int>(fit->sum.terms.size());
    r.width = to_double(fit->sum.width_factor);
    for (const auto& t : fit->sum.terms) r.sum_c += std::abs(to_double(t.c));
    r.margin = cf::function_margin(*fit);
    const cert::Certificate c = cert::certify(cf::widened_target(*fit), fit->sum, options);
    r.fit_error = c.bound;
    r.converged = c.converged;
    out.push_back(r);
  }
  return out;
}

// The loop constants at the scalar: its u, and for a bounded-exponent scalar narrower
// than double its own underflow unit and largest value (Theorem 3 of the functions).
bounds::FleqLoopConstants constants_at(const fq::FleqProgram& program, const cf::CompiledFleq& compiled, const ScalarFacts& facts,
                                       const std::vector<report::FleqFitReport>& fits) {
  std::vector<double> errors(fq::kFunctionCount, INFINITY);
  std::size_t next = 0;
  for (int f = 0; f < fq::kFunctionCount; ++f)
    if (compiled.constants.functions[static_cast<std::size_t>(f)]) errors[static_cast<std::size_t>(f)] = fits.at(next++).fit_error;
  bounds::FleqLoopConstants k = analysis::fleq_loop_constants(program, compiled, errors);
  if (facts.bounded_exponent && facts.min_subnormal > k.underflow) k.underflow = facts.min_subnormal;
  if (facts.bounded_exponent && facts.max_finite < k.max_finite) k.max_finite = facts.max_finite;
  return k;
}

bool is_product(fq::Op op) { return op == fq::Op::tmatmul || op == fq::Op::matmul || op == fq::Op::transpose; }

// Every condition the theorem needs that depends on the declarations and the scalar
// only; instructions failing for the same reason are named together by their lines.
std::vector<std::string> static_fails(const report::FleqTheorem& t, const fq::FleqProgram& program, bool executed_only) {
  std::vector<std::string> out;
  if (!t.controller.exact()) out.push_back("controller (Theorem 1, H4): " + t.controller.reason);
  std::vector<std::pair<std::string, std::string>> by_reason;  // reason -> "22 (s = add a, b), 23"
  auto add = [&](const report::FleqInstructionReport& in, const std::string& reason) {
    auto it = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& r) { return r.first == reason; });
    if (it == by_reason.end()) by_reason.emplace_back(reason, fmt::format("line {} ({})", in.line, in.text));
    else it->second += fmt::format(", {}", in.line);
  };
  for (const auto& in : t.instructions) {
    if (executed_only && in.count == 0) continue;
    if (in.real && !(in.bound.total < bounds::kInfinity)) add(in, "no finite bound: " + in.bound.reason);
    if (in.real && is_product(program.instructions[static_cast<std::size_t>(in.pc)].op) && !in.bound.cross_implied)
      add(in, "(H5) the gated-off products are not bounded by the declarations");
  }
  for (const auto& [reason, lines] : by_reason) out.push_back(lines + ": " + reason);
  return out;
}

report::FleqTheorem evaluate(const fq::FleqProgram& program, const cf::CompiledFleq& compiled, const ScalarSpec& scalar,
                             std::vector<report::FleqFitReport> fits) {
  const ScalarFacts& facts = scalar_facts(scalar);
  report::FleqTheorem t;
  t.scalar = scalar.name();
  t.u = facts.unit_roundoff;
  t.fits = std::move(fits);
  t.overrides = compiled.constants.overrides;
  const bounds::FleqLoopConstants k = constants_at(program, compiled, facts, t.fits);
  t.lemma_f = bounds::fleq_fetch_copy_exact(k, t.u);
  t.controller = bounds::fleq_controller_bound(k, t.u);
  t.stored_limit = bounds::mul_up(k.real_bound, bounds::add_up(1, k.stored_slack));
  for (int pc = 0; pc < program.instruction_count(); ++pc) {
    const auto shape = analysis::fleq_instruction_shape(program, pc);
    if (!shape) continue;
    const fq::Instruction& in = program.instructions[static_cast<std::size_t>(pc)];
    report::FleqInstructionReport r;
    r.pc = pc, r.line = in.line;
    r.text = compile::fleq_instruction_text(program, pc);
    r.cell = program.cells[static_cast<std::size_t>(in.c)].name;
    r.real = !shape->int_result;
    r.bound = bounds::fleq_instruction_bound(k, *shape, t.u);
    t.instructions.push_back(std::move(r));
  }
  return t;
}

// The smallest MPFR precision (of a few steps up to 1024 bits) at which the program,
// compiled for it (with the run's overrides), meets every condition that depends on the scalar alone.
std::string needed_precision(const fq::FleqProgram& program, const report::FleqTheorem& at) {
  const int have = scalar_facts(parse_scalar(at.scalar)).precision;
  for (int bits : {24, 32, 53, 64, 80, 113, 128, 192, 256, 384, 512, 768, 1024}) {
    if (bits <= have) continue;
    cf::CompileOptions options;
    options.unit_roundoff = std::ldexp(1.0, -bits);
    options.overrides = at.overrides;
    try {
      const cf::CompiledFleq c = cf::compile_fleq(program, options);
      report::FleqTheorem t = evaluate(program, c, ScalarSpec{ScalarKind::Mpfr, bits}, certified_fits(c));
      for (std::size_t i = 0; i < t.instructions.size(); ++i) t.instructions[i].count = at.instructions[i].count;
      if (static_fails(t, program, true).empty())
        return fmt::format("--scalar mpfr:{} (the program compiled for u = 2^-{}{})", bits, bits, at.overrides.any() ? ", the same --lambda/--product-c" : "");
    } catch (const std::invalid_argument&) {
      continue;
    }
  }
  return "";
}

}  // namespace

report::FleqTheorem fleq_theorem(const fq::FleqProgram& program, const cf::CompiledFleq& compiled, const ScalarSpec& scalar) {
  return evaluate(program, compiled, scalar, certified_fits(compiled));
}

void fleq_verdict(report::FleqTheorem& t, const fq::FleqProgram& program, const compile::RealErrorLog& log, const analysis::RunResult& run) {
  // Theorem 1 and 2's conditions on the declarations and the scalar (before the run's
  // observations): what a higher precision could repair.
  const bool scalar_fails = !static_fails(t, program, false).empty();
  const compile::OwnErrors& own = log.own;
  t.stored_max = own.stored_max;
  for (auto& in : t.instructions) {
    const auto pc = static_cast<std::size_t>(in.pc);
    if (pc >= own.count.size()) continue;
    in.count = own.count[pc];
    in.observed = own.worst[pc];
    in.observed_loop = own.loop[pc];
    in.ratio = in.bound.total > 0 ? in.observed / in.bound.total : (in.observed > 0 ? INFINITY : 0);
    if (in.real && in.count > 0 && (in.ratio > t.worst_ratio || t.worst_pc < 0)) t.worst_ratio = in.ratio, t.worst_pc = in.pc;
    if (in.real && in.ratio > 1) {
      t.violated = true;
      t.fails.push_back(fmt::format("line {} ({}): observed {:.3g} ABOVE the bound {:.3g} at loop {} (a defect: please report)", in.line,
                                    in.text, in.observed, in.bound.total, in.observed_loop));
    }
  }
  for (auto& f : static_fails(t, program, true)) t.fails.push_back(std::move(f));
  if (own.stored_max > t.stored_limit)
    t.fails.push_back(fmt::format("(H2) a stored real entry reached {:.17g} > .bound (1 + 2^-20) = {:.17g} at loop {}", own.stored_max,
                                  t.stored_limit, own.stored_max_loop));
  if (own.unmeasured > 0)
    t.fails.push_back(fmt::format("(H1) in {} loops the exact operation on the transformer's own operands left the machine's domain", own.unmeasured));
  if (own.others_changed > 0)
    t.fails.push_back(fmt::format("Theorem 1: a cell other than the destination changed in {} loops", own.others_changed));
  // A real cell beyond --data-tolerance at the end is the program's stability against the
  // bound, not a condition of the theorem; any other divergence (pc, an .int cell, a
  // non-finite value, the machine's domain) is.
  const auto& d = run.first_divergence;
  t.beyond_tolerance = d && d->detail.find("--data-tolerance") != std::string::npos;
  if (d && !t.beyond_tolerance)
    t.fails.push_back("the run diverged at loop " + std::to_string(d->loop) + " (" + d->field + ": expected " + d->expected + ", got " + d->actual + ")");
  t.certified = t.fails.empty();
  if (scalar_fails && !static_fails(t, program, true).empty()) t.needs = needed_precision(program, t);
}

}  // namespace loopcert::cli
