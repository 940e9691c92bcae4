#include "analysis/formats_study_fleq.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "analysis/detail/formats_rows.hpp"
#include "analysis/fleq_loop_constants.hpp"
#include "bounds/fleq_loop.hpp"
#include "compile/fleq/format_limits.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::analysis {

namespace {

namespace fq = isa::fleq;

// The FLEQ bounds at the format's unit roundoff, from the compiled constants alone.
void predict(FleqFormatRow& row, const fq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled, const ScalarFacts& f) {
  bounds::FleqLoopConstants k = fleq_loop_constants(program, compiled);
  if (std::isfinite(f.max_finite)) k.max_finite = f.max_finite;
  if (f.min_subnormal > 0) k.underflow = std::max(k.underflow, f.min_subnormal);
  const double u = f.unit_roundoff;
  const bounds::FleqControllerBound controller = bounds::fleq_controller_bound(k, u);
  row.controller_condition = controller.exact() ? "" : controller.reason;
  for (int pc = 0; pc < program.instruction_count(); ++pc) {
    const auto shape = fleq_instruction_shape(program, pc);
    if (!shape || shape->op == bounds::FleqBoundOp::function) continue;
    const bounds::FleqInstructionBound b = bounds::fleq_instruction_bound(k, *shape, u);
    if (!(b.total <= row.instruction_bound)) {
      row.instruction_bound = b.total;
      row.instruction_bound_at = fmt::format("line {}: {}", program.instructions[static_cast<std::size_t>(pc)].line, compile::fleq_instruction_text(program, pc)) +
                                 (b.reason.empty() ? "" : " (" + b.reason + ")");
    }
  }
}

std::string bits_text(const ScalarFacts& f) { return fmt::format("u = 2^{}", f.u_log2); }

// Why a run that does not agree fails: its first divergence, then what the bounds say.
std::string reason_of(const FleqFormatRow& row, const ScalarFacts& f, double tolerance) {
  const RunResult& run = *row.run;
  std::string out;
  if (run.first_divergence) {
    const auto& d = *run.first_divergence;
    out = fmt::format("loop {}: {} expected {}, got {}", d.loop, d.field, d.expected, d.actual);
    if (!d.layer.empty()) out += fmt::format(" (layer {}, {})", d.layer, d.quantity);
  }
  out += row.controller_held ? fmt::format("; the controller held (pc and .int cells exact at every loop), a real cell is beyond --data-tolerance {:g}", tolerance)
                             : "; the controller broke";
  out += fmt::format("; the bounds at {}: ", bits_text(f));
  out += row.controller_condition.empty() ? "the controller's conditions hold" : "the controller's conditions fail (" + row.controller_condition + ")";
  if (row.instruction_bound > 0)
    out += fmt::format(", the largest instruction bound is {:.3g} ({})", row.instruction_bound, row.instruction_bound_at);
  if (row.products && !(row.product_error <= tolerance))
    out += fmt::format("; the product's cancellation: a.b is the difference of two terms of size C/2, so its bound at C = 2^{} is {:.3g} > {:g}",
                       row.product_scale_log2, row.product_error, tolerance);
  return out;
}

void study_one(FleqFormatRow& row, const fq::FleqProgram& program, const ScalarSpec& scalar, const FleqFormatsStudyOptions& o) {
  const ScalarFacts& f = scalar_facts(scalar);
  if (!f.runnable) throw std::invalid_argument(scalar.name() + ": " + f.not_runnable);
  if (scalar.kind == ScalarKind::Exact) throw std::invalid_argument("exact: FLEQ's sigmoid and exp are irrational, so the loop has no exact-rational run");
  if (o.progress) o.progress(fmt::format("formats: {} at {}: compiling", program.source, row.format));
  compile::fleq::CompileOptions co = compile::fleq::compile_options_for(scalar);
  co.refuse = false;
  std::shared_ptr<compile::fleq::CompiledFleq> compiled;
  try {
    compiled = std::make_shared<compile::fleq::CompiledFleq>(compile::fleq::compile_fleq(program, co));
  } catch (const std::invalid_argument& e) {  // the constants themselves cannot be built
    row.refusals = {e.what()};
  }
  if (compiled) row.refusals = compile::fleq::format_refusals(program, *compiled, f);
  if (!row.refusals.empty()) {
    row.reason = "refused: " + row.refusals.front();
    if (o.progress) o.progress(fmt::format("formats: {} at {}: refused", program.source, row.format));
    return;
  }
  const auto& k = compiled->constants;
  row.read_lambda = to_double(k.read_lambda);
  row.product_scale_log2 = k.product_scale_log2;
  row.matmul_scale_log2 = k.matmul_scale_log2;
  row.product_error = k.product_error;
  row.products = std::any_of(program.instructions.begin(), program.instructions.end(),
                             [](const fq::Instruction& in) { return in.op == fq::Op::tmatmul || in.op == fq::Op::matmul; });
  predict(row, program, *compiled, f);

  compile::FleqTargetOptions to;
  to.data_tolerance = o.data_tolerance;
  to.max_steps = o.max_steps;
  to.unit_roundoff = f.unit_roundoff;
  to.format = scalar;
  auto log = std::make_shared<compile::RealErrorLog>();
  const compile::LoopTarget target = compile::fleq_target(program, to, log);
  RunOptions ro;
  ro.scalar = scalar;
  ro.lambda = target.predict.default_lambda;
  ro.max_steps = o.max_steps;
  row.run = run_lockstep(target, ro);
  row.reals = *log;
  const auto& d = row.run->first_divergence;
  row.controller_held = !d || d->detail.rfind("|x - x*|", 0) == 0;
  if (!row.run->agree) row.reason = reason_of(row, f, o.data_tolerance);
  if (o.progress) o.progress(fmt::format("formats: {} at {}: {}", program.source, row.format, row.run->agree ? "agrees" : "diverges"));
}

}  // namespace

FleqFormatsStudy study_fleq_formats(const std::vector<fq::FleqProgram>& programs, const std::vector<ScalarSpec>& formats,
                                    const FleqFormatsStudyOptions& o) {
  FleqFormatsStudy study;
  study.data_tolerance = o.data_tolerance;
  study.rows = detail::study_pairs<FleqFormatRow>(programs, formats, o.threads,
                                                  [&](FleqFormatRow& row, const fq::FleqProgram& p, const ScalarSpec& s) { study_one(row, p, s, o); });
  study.certified_formats_agree = detail::certified_formats_agree(study.rows);
  return study;
}

}  // namespace loopcert::analysis
