#include "compile/fleq/detail/run_meter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace loopcert::compile::fleq::detail {

namespace fq = isa::fleq;

namespace {

// A nonnegative exact value rounded up to a double (an observed error is never understated).
double up(const Rational& x) {
  const double v = to_double(x);
  return v <= 0 ? 0 : std::nextafter(v, INFINITY);
}

bool writes(const fq::Instruction& in) { return in.c >= 0 && in.op != fq::Op::none && in.op != fq::Op::halt; }

}  // namespace

double mixed_error(const Rational& x, const Rational& y) {
  const Rational ay = abs(y);
  return up(abs(x - y) / (ay > 1 ? ay : Rational(1)));
}

RunMeter::RunMeter(const fq::FleqProgram& program, const CompiledFleq& compiled, const fq::OpTable& ideal, const fq::OpTable* block,
                   const fq::MachineOptions& machine, bool keep_rows)
    : program_(program), compiled_(compiled), ideal_(ideal), block_(block), machine_(machine), keep_rows_(keep_rows) {}

void RunMeter::reset(RealErrorLog& log) {
  own_.reset();
  log.own = OwnErrors{};
  const auto n = static_cast<std::size_t>(program_.instruction_count());
  log.own.worst.assign(n, 0);
  log.own.loop.assign(n, 0);
  log.own.count.assign(n, 0);
  log.rows.clear();
  log.last = FleqLoopRow{};
  log.decompose.reset();
  if (!block_) return;
  block_state_ = fq::initial_state(program_);
  log.decompose.emplace();
  for (const auto& cell : program_.cells)
    if (cell.kind == fq::CellKind::real) log.decompose->cells.push_back({cell.name});
}

fq::MachineState RunMeter::read(const std::function<Rational(int, int)>& entry) const {
  const RowBlock& val = compiled_.layout.block("val");
  fq::MachineState s;
  for (int c = 0; c < program_.cell_count(); ++c) {
    fq::Matrix m(program_.cells[static_cast<std::size_t>(c)].shape);
    for (int r = 0; r < m.shape.rows; ++r)
      for (int t = 0; t < m.shape.cols; ++t) m.at(r, t) = entry(val.row(r), compiled_.geometry.cell_column(c, t));
    s.cells.push_back(std::move(m));
  }
  return s;
}

void RunMeter::observe(const std::function<Rational(int, int)>& entry, std::int64_t loop, int pc, const fq::MachineState& reference,
                       RealErrorLog& log) {
  fq::MachineState now = read(entry);
  for (int c = 0; c < program_.cell_count(); ++c)  // H2: the stored real entries
    if (program_.cells[static_cast<std::size_t>(c)].kind == fq::CellKind::real)
      for (const Rational& x : now.cells[static_cast<std::size_t>(c)].entries)
        if (const double v = up(abs(x)); v > log.own.stored_max) log.own.stored_max = v, log.own.stored_max_loop = loop;
  if (loop > 0) {
    FleqLoopRow row;
    row.loop = loop;
    row.pc = pc;
    if (pc >= 0) {
      const fq::Instruction& in = program_.instructions[static_cast<std::size_t>(pc)];
      if (writes(in)) {
        const fq::Cell& dest = program_.cells[static_cast<std::size_t>(in.c)];
        row.cell = dest.name;
        row.real = dest.kind == fq::CellKind::real;
        double worst = 0;
        for (std::size_t e = 0; e < static_cast<std::size_t>(dest.shape.size()); ++e)
          worst = std::max(worst, mixed_error(now.cells[static_cast<std::size_t>(in.c)].entries[e], reference.cells[static_cast<std::size_t>(in.c)].entries[e]));
        row.error = worst;
      }
      measure_own(now, pc, loop, row, log);
    }
    if (log.decompose) measure_parts(now, pc, loop, reference, row, log);
    log.last = row;
    if (keep_rows_) log.rows.push_back(row);
  }
  own_ = std::move(now);
}

// Theorem 2's quantity for the instruction at pc, from the state held before the loop.
void RunMeter::measure_own(const fq::MachineState& now, int pc, std::int64_t loop, FleqLoopRow& row, RealErrorLog& log) const {
  if (!own_) return;
  const fq::Instruction& in = program_.instructions[static_cast<std::size_t>(pc)];
  ++log.own.count[static_cast<std::size_t>(pc)];
  fq::MachineState before = *own_;
  before.pc = pc;
  const fq::StepResult next = fq::step(program_, before, ideal_, machine_, loop - 1);
  if (next.error) {
    if (writes(in)) ++log.own.unmeasured;
    return;
  }
  for (int c = 0; c < program_.cell_count(); ++c) {
    const bool dest = writes(in) && c == in.c;
    const auto& got = now.cells[static_cast<std::size_t>(c)];
    const auto& want = next.state.cells[static_cast<std::size_t>(c)];
    if (!dest || program_.cells[static_cast<std::size_t>(c)].kind == fq::CellKind::integer) {
      if (got != want && !dest) ++log.own.others_changed;
      continue;
    }
    double worst = 0;
    for (std::size_t e = 0; e < got.entries.size(); ++e) worst = std::max(worst, up(abs(got.entries[e] - want.entries[e])));
    row.own = worst;
    double& peak = log.own.worst[static_cast<std::size_t>(pc)];
    if (worst > peak || log.own.loop[static_cast<std::size_t>(pc)] == 0) peak = worst, log.own.loop[static_cast<std::size_t>(pc)] = loop;
  }
}

// --decompose: the block-exact machine steps as the exact one did; then, per real cell,
// block-exact against ideal and the transformer against block-exact.
void RunMeter::measure_parts(const fq::MachineState& now, int pc, std::int64_t loop, const fq::MachineState& reference, FleqLoopRow& row,
                             RealErrorLog& log) {
  FleqDecomposition& d = *log.decompose;
  if (d.stopped_loop) return;
  if (pc >= 0) {
    const fq::StepResult next = fq::step(program_, block_state_, *block_, machine_, loop - 1);
    if (next.error) d.stopped = "the block-exact machine left the domain: " + next.error->message;
    else if (next.state.pc != reference.pc)
      d.stopped = fmt::format("the block-exact machine branched to pc {} where the exact machine went to pc {}", next.state.pc, reference.pc);
    if (!d.stopped.empty()) {
      d.stopped_loop = loop;
      return;
    }
    block_state_ = next.state;
  }
  std::size_t k = 0;
  for (int c = 0; c < program_.cell_count(); ++c) {
    if (program_.cells[static_cast<std::size_t>(c)].kind != fq::CellKind::real) continue;
    CellParts& parts = d.cells[k++];
    double approx = 0, leak = 0;
    const auto& b = block_state_.cells[static_cast<std::size_t>(c)].entries;
    for (std::size_t e = 0; e < b.size(); ++e) {
      approx = std::max(approx, mixed_error(b[e], reference.cells[static_cast<std::size_t>(c)].entries[e]));
      leak = std::max(leak, mixed_error(now.cells[static_cast<std::size_t>(c)].entries[e], b[e]));
    }
    parts.approximation_final = approx, parts.leak_final = leak;
    if (approx > parts.approximation_max) parts.approximation_max = approx, parts.approximation_loop = loop;
    if (leak > parts.leak_max) parts.leak_max = leak, parts.leak_loop = loop;
    if (approx > d.approximation_max) d.approximation_max = approx, d.approximation_loop = loop, d.approximation_cell = parts.cell;
    if (leak > d.leak_max) d.leak_max = leak, d.leak_loop = loop, d.leak_cell = parts.cell;
    if (parts.cell == row.cell) row.approximation = approx, row.leak = leak;
  }
}

}  // namespace loopcert::compile::fleq::detail
