#include "compile/fleq/target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "compile/encoding.hpp"
#include "compile/fleq/block_exact.hpp"
#include "compile/fleq/detail/run_meter.hpp"
#include "isa/fleq/functions.hpp"
#include "isa/fleq/machine.hpp"

namespace loopcert::compile {

namespace {

namespace fq = isa::fleq;

// |x - x*| / max(1, |x*|) of one real entry. `exact`: the entry as the run's scalar holds
// it (MachineAdapter::read_exact), the measure evaluated exactly and rounded up once, so
// that errors far below double's resolution (mpfr:128, float128) are resolved; null (a
// side run's punchcard, read only through double): from the decoded double `x`, the
// difference taken exactly (x* may have thousands of bits). A non-finite decode is an
// infinite error either way.
double entry_error(double x, const Rational* exact, const Rational& want) {
  if (!std::isfinite(x)) return INFINITY;
  if (exact) return fleq::detail::mixed_error(*exact, want);
  const Rational diff = abs(Rational(x) - want);
  return to_double(diff) / std::max(1.0, std::abs(to_double(want)));
}

std::string entry_name(const fq::Cell& cell, int r, int t) {
  return cell.shape == fq::Shape{} ? cell.name : fmt::format("{}[{},{}]", cell.name, r, t);
}

// Matrices as the text of a JSON array of rows, every entry to 17 digits (Value has no
// matrix alternative; the FLEQ JSON writer parses it back into rows).
Value cell_value(const fq::Cell& cell, const std::vector<double>& entries, std::optional<std::int64_t> integer) {
  if (cell.kind == fq::CellKind::integer && integer) return *integer;
  if (cell.shape == fq::Shape{}) return entries.at(0);
  std::string out = "[";
  for (int r = 0; r < cell.shape.rows; ++r) {
    out += r ? ", [" : "[";
    for (int t = 0; t < cell.shape.cols; ++t) {
      const double x = entries.at(static_cast<std::size_t>(r * cell.shape.cols + t));
      out += (t ? ", " : "") + (std::isfinite(x) ? fmt::format("{:.17g}", x) : std::string("null"));
    }
    out += "]";
  }
  return out + "]";
}

std::vector<fleq::DecodedCell> as_decoded(const fq::FleqProgram& program, const fq::MachineState& state) {
  std::vector<fleq::DecodedCell> out;
  for (int c = 0; c < program.cell_count(); ++c) {
    fleq::DecodedCell d;
    for (const Rational& e : state.cells[static_cast<std::size_t>(c)].entries) d.entries.push_back(to_double(e));
    if (program.cells[static_cast<std::size_t>(c)].kind == fq::CellKind::integer)
      d.integer = boost::multiprecision::numerator(state.cells[static_cast<std::size_t>(c)].entries.at(0)).convert_to<std::int64_t>();
    out.push_back(std::move(d));
  }
  return out;
}

struct Shared {
  Shared(const fq::FleqProgram& p, std::shared_ptr<const fleq::CompiledFleq> c, const FleqTargetOptions& o)
      : program(p), compiled(std::move(c)), options(o),
        table(o.block_exact ? fleq::block_exact_ops(compiled->constants, machine.function_bits) : fq::ideal_ops(machine.function_bits)),
        ideal(fq::ideal_ops(machine.function_bits)) {
    if (o.decompose) block = fleq::block_exact_ops(compiled->constants, machine.function_bits);
  }
  fq::MachineOptions machine;  // first: the tables are built from it
  fq::FleqProgram program;
  std::shared_ptr<const fleq::CompiledFleq> compiled;
  FleqTargetOptions options;
  fq::OpTable table;                 // the reference's (ideal, or block-exact with options.block_exact)
  fq::OpTable ideal;                 // the loop theorem's f
  std::optional<fq::OpTable> block;  // --decompose
};

class FleqMachine final : public MachineAdapter {
 public:
  FleqMachine(std::shared_ptr<const Shared> s, std::shared_ptr<RealErrorLog> log)
      : s_(std::move(s)), log_(std::move(log)),
        meter_(s_->program, *s_->compiled, s_->ideal, s_->block ? &*s_->block : nullptr, s_->machine, s_->options.keep_rows) {
    reset();
  }

  void reset() override {
    ref_ = fq::initial_state(s_->program);
    steps_ = 0;
    loops_ = 0;
    exact_reads_ = 0;
    stepped_pc_ = -1;
    error_.reset();
    decoded_.clear();
    end_read_.reset();
    exact_fresh_ = false;
    if (log_) {
      *log_ = RealErrorLog{};
      meter_.reset(*log_);
    }
  }
  // The real cells are measured on the exact read, never through double. With a log the
  // meter reads (and keeps, RunMeter::held) every loop's punchcard; without one (the
  // searches) only the last, the one the real cells are judged on.
  bool wants_exact_reads() const override { return true; }
  void read_exact(const std::function<Rational(int, int)>& entry) override {
    if (log_) {
      meter_.observe(entry, exact_reads_++, stepped_pc_, ref_, *log_);
      stepped_pc_ = -1;
    } else if (at_end()) {
      end_read_ = meter_.read(entry);
    }
    exact_fresh_ = true;
  }
  // A domain error does not halt the machine: compare() reports it, which ends the run.
  bool halted() const override { return ref_.halted; }
  void step() override {
    if (error_) return;
    stepped_pc_ = ref_.pc;
    const fq::StepResult r = fq::step(s_->program, ref_, s_->table, s_->machine, steps_);
    if (r.error) error_ = r.error->message;
    else ref_ = r.state;
    ++steps_;
  }

  void expected(std::vector<StateEntry>& out) const override {
    const Layout& layout = s_->compiled->layout;
    const fleq::Geometry& g = s_->compiled->geometry;
    const RowBlock& val = layout.block("val");
    for (int c = 0; c < s_->program.cell_count(); ++c) {
      const fq::Matrix& m = ref_.cells[static_cast<std::size_t>(c)];
      for (int r = 0; r < m.shape.rows; ++r)
        for (int t = 0; t < m.shape.cols; ++t) out.push_back({val.row(r), g.cell_column(c, t), to_double(m.at(r, t))});
    }
    const RowBlock& pc = layout.block("pc");
    const auto code = position_code(g.command_column(ref_.pc), pc.size);
    for (int t = 0; t < g.work_columns(); ++t)
      for (int k = 0; k < pc.size; ++k) out.push_back({pc.row(k), t, static_cast<double>(code[static_cast<std::size_t>(k)])});
  }

  // `tolerance` (the driver's decode tolerance) is not used: compile::fleq::decode reads
  // .int cells and pc bits within 1/4, the value the construction is built for.
  std::optional<Mismatch> compare(const Matrix<double>& X, double, bool keep) override {
    const fq::FleqProgram& p = s_->program;
    const fleq::DecodedFleq got = fleq::decode(s_->compiled->layout, p, X);
    // The exact read of this punchcard: the driver's own run (keep) reads it just before;
    // a side run's X (keep false) has none.
    const fq::MachineState* exact = keep && exact_fresh_ ? (log_ ? meter_.held() : (end_read_ ? &*end_read_ : nullptr)) : nullptr;
    if (keep) exact_fresh_ = false;
    if (keep) {
      ++loops_;
      decoded_ = got.invalid ? as_decoded(p, ref_) : got.cells;
    }
    if (error_) return Mismatch{"machine", "the program inside its declared domain", "left it", *error_};
    if (got.invalid) return Mismatch{"invalid", ".int and pc entries within 1/4", fmt::format("{}", got.invalid->value), got.invalid->where};
    if (got.pc != ref_.pc) return Mismatch{"pc", std::to_string(ref_.pc), std::to_string(got.pc), ""};
    for (int c = 0; c < p.cell_count(); ++c) {
      if (p.cells[static_cast<std::size_t>(c)].kind != fq::CellKind::integer) continue;
      const Rational& want = ref_.cells[static_cast<std::size_t>(c)].entries.at(0);
      if (Rational(*got.cells[static_cast<std::size_t>(c)].integer) != want)
        return Mismatch{"mem[" + p.cells[static_cast<std::size_t>(c)].name + "]", to_string(want), std::to_string(*got.cells[static_cast<std::size_t>(c)].integer), ""};
    }
    if (!at_end() && !(keep && log_)) return std::nullopt;  // real cells are judged at the end only
    const std::optional<Mismatch> real = compare_reals(got, keep, exact);
    return at_end() ? real : std::nullopt;
  }

  std::vector<Cell> memory() const override {
    return fleq_cells(s_->program, decoded_.empty() ? as_decoded(s_->program, ref_) : decoded_);
  }

  std::optional<Instruction> next_instruction() const override {
    if (ref_.pc < 0 || ref_.pc >= s_->program.instruction_count()) return std::nullopt;
    const fq::Instruction& in = s_->program.instructions[static_cast<std::size_t>(ref_.pc)];
    auto name = [&](int cell) { return cell < 0 ? std::string() : s_->program.cells[static_cast<std::size_t>(cell)].name; };
    Instruction out;
    out.pc = ref_.pc;
    out.fields = {{"op", std::string(fq::op_name(in.op))}, {"a", name(in.a)}, {"b", name(in.b)}, {"c", name(in.c)}, {"line", std::int64_t{in.line}}};
    out.text = fmt::format("{:<36}", fleq_instruction_text(s_->program, ref_.pc));
    return out;
  }

 private:
  bool at_end() const { return ref_.halted || steps_ >= s_->options.max_steps; }

  // Every real entry against the machine's; the first beyond T (if any) as a mismatch.
  // With `keep`, the errors go to the log (max over loops, per cell at this loop).
  // `exact`: the punchcard's cells read exactly (entry_error), or null.
  std::optional<Mismatch> compare_reals(const fleq::DecodedFleq& got, bool keep, const fq::MachineState* exact) {
    const fq::FleqProgram& p = s_->program;
    std::optional<Mismatch> first;
    if (keep && log_) log_->final_errors.clear();
    for (int c = 0; c < p.cell_count(); ++c) {
      const fq::Cell& cell = p.cells[static_cast<std::size_t>(c)];
      if (cell.kind != fq::CellKind::real) continue;
      double worst = 0;
      for (int r = 0; r < cell.shape.rows; ++r)
        for (int t = 0; t < cell.shape.cols; ++t) {
          const double x = got.cells[static_cast<std::size_t>(c)].entries[static_cast<std::size_t>(r * cell.shape.cols + t)];
          const Rational& want = ref_.cells[static_cast<std::size_t>(c)].at(r, t);
          const double e = entry_error(x, exact ? &exact->cells[static_cast<std::size_t>(c)].at(r, t) : nullptr, want);
          worst = std::max(worst, e);
          if (!(e <= s_->options.data_tolerance) && !first)
            first = Mismatch{"mem[" + entry_name(cell, r, t) + "]", fmt::format("{:.17g}", to_double(want)), fmt::format("{:.17g}", x),
                             fmt::format("|x - x*| / max(1, |x*|) = {:.3g} > --data-tolerance {:g}", e, s_->options.data_tolerance)};
          if (keep && log_ && (e > log_->max_error || log_->max_error_cell.empty())) {
            log_->max_error = e;
            log_->max_error_loop = loops_;
            log_->max_error_cell = entry_name(cell, r, t);
          }
        }
      if (keep && log_) log_->final_errors.emplace_back(cell.name, worst);
    }
    if (keep && log_) log_->reference = fleq_cells(p, as_decoded(p, ref_));
    return first;
  }

  std::shared_ptr<const Shared> s_;
  std::shared_ptr<RealErrorLog> log_;
  fq::MachineState ref_;
  fleq::detail::RunMeter meter_;
  std::int64_t steps_ = 0, loops_ = 0, exact_reads_ = 0;
  int stepped_pc_ = -1;                      // the instruction step() executed since the last read_exact
  std::optional<std::string> error_;         // the machine's domain error, if it left its domain
  std::vector<fleq::DecodedCell> decoded_;   // empty: nothing decoded (kept) yet
  std::optional<fq::MachineState> end_read_; // without a log: the exact read at the end
  bool exact_fresh_ = false;                 // read_exact has read the punchcard compare() is given
};

}  // namespace

std::vector<Cell> fleq_cells(const isa::fleq::FleqProgram& program, const std::vector<fleq::DecodedCell>& cells) {
  std::vector<Cell> out;
  for (int c = 0; c < program.cell_count() && c < static_cast<int>(cells.size()); ++c) {
    const fq::Cell& cell = program.cells[static_cast<std::size_t>(c)];
    out.push_back({cell.name, cell_value(cell, cells[static_cast<std::size_t>(c)].entries, cells[static_cast<std::size_t>(c)].integer), false});
  }
  return out;
}

std::string fleq_instruction_text(const isa::fleq::FleqProgram& program, int pc) {
  const fq::Instruction& in = program.instructions.at(static_cast<std::size_t>(pc));
  auto name = [&](int cell) { return program.cells.at(static_cast<std::size_t>(cell)).name; };
  std::string out;
  if (in.op == fq::Op::halt) out = "halt";
  else if (in.op != fq::Op::none) {
    out = name(in.c) + " = " + fq::op_name(in.op) + " " + name(in.a);
    if (in.b >= 0) out += ", " + name(in.b);
  }
  if (in.branch.kind == fq::Branch::Kind::always) out += (out.empty() ? "" : "  ") + fmt::format("goto {}", in.branch.target);
  else if (in.branch.kind == fq::Branch::Kind::if_le_zero)
    out += (out.empty() ? "" : "  ") + fmt::format("if {} <= 0 goto {}", name(in.branch.flag), in.branch.target);
  return out;
}

LoopTarget fleq_target(const isa::fleq::FleqProgram& program, const FleqTargetOptions& options, std::shared_ptr<RealErrorLog> log) {
  fleq::CompileOptions c;
  c.unit_roundoff = options.unit_roundoff;
  c.function_terms = options.function_terms;
  c.format = options.format;
  return fleq_target(program, std::make_shared<const fleq::CompiledFleq>(fleq::compile_fleq(program, c)), options, std::move(log));
}

LoopTarget fleq_target(const isa::fleq::FleqProgram& program, std::shared_ptr<const fleq::CompiledFleq> compiled_fleq,
                       const FleqTargetOptions& options, std::shared_ptr<RealErrorLog> log) {
  auto shared = std::make_shared<Shared>(program, std::move(compiled_fleq), options);
  const fleq::CompiledFleq& c = *shared->compiled;
  auto compiled = std::make_shared<const CompiledLoop>(CompiledLoop{c.layout, c.X0, c.loop});
  std::shared_ptr<const Shared> s = shared;
  LoopTarget t;
  t.name = program.source;
  t.compiled = compiled;
  t.machine = [s, log] { return std::make_unique<FleqMachine>(s, log); };
  // Real weights (1/3, sigmoid sums, products' scales) are not exact in double: no ideal
  // hardmax reference for the per-layer errors.
  t.hardmax_reference = false;
  t.trace_header = fmt::format("{:<36}", "instruction");
  t.predict.summary = [](double) {
    BoundsSummary b;
    // The searches print this as their reason for no prediction: there is a loop theorem,
    // but no precision or temperature predictor (the compiler sets the temperatures per scalar).
    b.text = "FLEQ loop theorem (proofs/fleq_loop.md): no precision or temperature prediction, the compiler sets the temperatures per "
             "scalar; `loopcert run` evaluates the controller's conditions and each instruction's bound";
    b.theorem = "proofs/fleq_loop.md";
    return b;
  };
  if (options.predictors) t.predict = options.predictors(program, options);
  t.predict.default_lambda = c.constants.read_lambda;  // the fetch layer's (RunTemperature) temperature
  return t;
}

}  // namespace loopcert::compile
