#include "analysis/fleq_floor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/fleq_loop_constants.hpp"
#include "approx/sigmoid_sum.hpp"
#include "bounds/fleq_loop.hpp"
#include "compile/fleq/functions.hpp"
#include "isa/fleq/machine.hpp"

namespace loopcert::analysis {

namespace {

namespace fq = isa::fleq;

// The perturbations' scales: 2^-40, small enough that the exact machine responds linearly
// (the bounds are at most about 1e-3, so the perturbations stay below 2^-50) and far above
// the machine's size guard (1024 significant bits) and its 256-bit functions; and 2^0, the
// bounds' own size, which keeps the second-order terms (a Newton polish removes a
// perturbation of its input to first order, not the square it leaves).
constexpr int kScalesLog2[] = {-40, 0};

// One executed instruction's bound, split into the channels that are propagated.
struct Parts {
  bool real_write = false;
  double total = 0;
  double channel[kFloorChannels] = {0, 0, 0, 0};
};

std::vector<Parts> instruction_parts(const fq::FleqProgram& program, const bounds::FleqLoopConstants& k, double u) {
  std::vector<Parts> out(static_cast<std::size_t>(program.instruction_count()));
  for (int pc = 0; pc < program.instruction_count(); ++pc) {
    const auto shape = fleq_instruction_shape(program, pc);
    if (!shape || shape->int_result) continue;  // .int results are snapped exactly (Theorem 1)
    const bounds::FleqInstructionBound b = bounds::fleq_instruction_bound(k, *shape, u);
    Parts& p = out[static_cast<std::size_t>(pc)];
    p.real_write = true;
    p.total = b.total;
    p.channel[static_cast<int>(FloorChannel::leak)] = b.data + b.write;
    p.channel[static_cast<int>(FloorChannel::rounding)] = b.rounding;
    if (shape->op == bounds::FleqBoundOp::function) {
      const double fit = k.functions[static_cast<std::size_t>(shape->function)].approximation;
      p.channel[static_cast<int>(FloorChannel::fit)] = fit;
      p.channel[static_cast<int>(FloorChannel::rounding)] += std::max(0.0, b.operation - fit);  // Theorem 3 and L_f times the read
    } else {
      p.channel[static_cast<int>(FloorChannel::product)] = b.operation;
    }
  }
  return out;
}

// A fixed +-1 pattern over (step, entry) (splitmix64 of the pair).
double pseudo_sign(std::int64_t step, std::size_t entry) {
  std::uint64_t z = static_cast<std::uint64_t>(step) * 0x9E3779B97F4A7C15ull + entry + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return ((z ^ (z >> 31)) & 1) ? 1.0 : -1.0;
}

struct Run {
  fq::MachineState state;
  std::int64_t steps = 0;
  std::string error;
};

// The ideal machine, every real result entry moved by 2^scale amplitude(pc) (times
// the sign pattern's sign when `random_signs`) after its instruction.
template <class Amplitude>
Run perturbed_run(const fq::FleqProgram& program, std::int64_t max_steps, const fq::OpTable& table, Amplitude amplitude, bool random_signs,
                  int scale) {
  const fq::MachineOptions options;
  Run r;
  r.state = fq::initial_state(program);
  while (!r.state.halted && r.steps < max_steps) {
    const int pc = r.state.pc;
    fq::StepResult s = fq::step(program, r.state, table, options, r.steps);
    if (s.error) {
      r.error = s.error->message;
      return r;
    }
    r.state = std::move(s.state);
    const double a = amplitude(pc);
    if (a > 0) {
      auto& entries = r.state.cells[static_cast<std::size_t>(program.instructions[static_cast<std::size_t>(pc)].c)].entries;
      for (std::size_t e = 0; e < entries.size(); ++e)
        entries[e] += Rational(std::ldexp(random_signs ? a * pseudo_sign(r.steps, e) : a, scale));
    }
    ++r.steps;
  }
  return r;
}

// max over real entries of |x~ - x*| / max(1, |x*|), divided by the perturbation's scale.
double response(const fq::FleqProgram& program, const fq::MachineState& got, const fq::MachineState& want, int scale) {
  double worst = 0;
  for (int c = 0; c < program.cell_count(); ++c) {
    if (program.cells[static_cast<std::size_t>(c)].kind != fq::CellKind::real) continue;
    const auto& g = got.cells[static_cast<std::size_t>(c)].entries;
    const auto& w = want.cells[static_cast<std::size_t>(c)].entries;
    for (std::size_t e = 0; e < w.size(); ++e)
      worst = std::max(worst, to_double(Rational(abs(g[e] - w[e]))) / std::max(1.0, std::abs(to_double(w[e]))));
  }
  return std::ldexp(worst, -scale);
}

}  // namespace

const char* floor_channel_name(FloorChannel c) {
  switch (c) {
    case FloorChannel::product: return "product";
    case FloorChannel::fit: return "sigmoid fit";
    case FloorChannel::leak: return "leak";
    case FloorChannel::rounding: return "rounding";
  }
  return "?";
}

std::vector<double> fleq_fit_error_estimates(const compile::fleq::CompiledFleq& compiled) {
  std::vector<double> out(compiled.constants.functions.size(), INFINITY);
  for (std::size_t f = 0; f < out.size(); ++f) {
    const auto& fit = compiled.constants.functions[f];
    if (!fit) continue;
    const int points = 64 * static_cast<int>(fit->sum.terms.size()) + 4001;  // finer than the fit's own 16 m + 1001
    out[f] = approx::grid_error(compile::fleq::widened_target(*fit), fit->sum, points);
  }
  return out;
}

FleqFloor predict_fleq_floor(const fq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled, const FleqFloorOptions& options) {
  const double u = options.unit_roundoff;
  const bounds::FleqLoopConstants k = fleq_loop_constants(program, compiled, fleq_fit_error_estimates(compiled));
  std::vector<Parts> parts = instruction_parts(program, k, u);
  for (Parts& p : parts) {
    p.total *= options.bound_scale;
    for (double& c : p.channel) c *= options.bound_scale;
  }
  FleqFloor out;
  out.read_lambda = to_double(compiled.constants.read_lambda);
  const bounds::FleqControllerBound controller = bounds::fleq_controller_bound(k, u);
  if (!controller.exact()) out.reason = "the controller's conditions fail: " + controller.reason;
  const fq::OpTable table = fq::ideal_ops();
  const Run reference = perturbed_run(program, options.max_steps, table, [](int) { return 0.0; }, false, 0);
  out.steps = reference.steps;
  if (!reference.error.empty()) {
    out.predicted = INFINITY;
    out.reason = "the exact machine left its domain: " + reference.error;
    return out;
  }
  std::vector<char> executed(parts.size(), 0);
  {
    // Which instructions run (their bounds are the ones that count).
    fq::MachineState s = fq::initial_state(program);
    for (std::int64_t t = 0; t < reference.steps && !s.halted; ++t) {
      executed[static_cast<std::size_t>(s.pc)] = 1;
      s = fq::step(program, s, table, {}, t).state;
    }
  }
  for (std::size_t pc = 0; pc < parts.size(); ++pc)
    if (executed[pc] && parts[pc].real_write) out.largest_bound = std::max(out.largest_bound, parts[pc].total);
  if (!(out.largest_bound < INFINITY)) {
    out.predicted = INFINITY;
    if (out.reason.empty()) out.reason = "an executed instruction's bound is infinite (bounds::fleq_instruction_bound)";
    return out;
  }
  // The response at one scale; a full-size perturbation that leaves the domain or changes
  // the control flow counts only at the linear scale (infinite when even that does).
  auto run_response = [&](auto amplitude, bool random_signs, int scale) -> double {
    const Run r = perturbed_run(program, options.max_steps, table, amplitude, random_signs, scale);
    if (!r.error.empty() || r.steps != reference.steps) return scale == kScalesLog2[0] ? INFINITY : 0.0;
    return response(program, r.state, reference.state, scale);
  };
  auto total = [&](int pc) { return parts[static_cast<std::size_t>(pc)].real_write ? parts[static_cast<std::size_t>(pc)].total : 0.0; };
  for (int scale : kScalesLog2) {
    out.predicted = std::max({out.predicted, run_response(total, false, scale), run_response(total, true, scale)});
    for (int c = 0; c < kFloorChannels; ++c)
      out.channels[c] = std::max(out.channels[c], run_response([&](int pc) { return parts[static_cast<std::size_t>(pc)].channel[c]; }, false, scale));
  }
  for (int c = 0; c < kFloorChannels; ++c)
    if (out.channels[c] > out.channels[static_cast<int>(out.limit)]) out.limit = static_cast<FloorChannel>(c);
  out.amplification = out.largest_bound > 0 ? out.predicted / out.largest_bound : 0;
  return out;
}

FleqFloor predict_fleq_floor_at(const fq::FleqProgram& program, double u, std::int64_t max_steps, const compile::fleq::ConstantOverrides& overrides) {
  compile::fleq::CompileOptions c;
  c.unit_roundoff = u;
  c.overrides = overrides;
  return predict_fleq_floor(program, compile::fleq::compile_fleq(program, c), {max_steps, u, 1});
}

}  // namespace loopcert::analysis
