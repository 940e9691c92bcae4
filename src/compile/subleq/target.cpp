#include "compile/subleq/target.hpp"

#include <fmt/format.h>

#include "bounds/precision.hpp"
#include "bounds/rounding.hpp"
#include "bounds/subleq_loop.hpp"
#include "core/scalar_facts.hpp"
#include "isa/subleq/assembler.hpp"
#include "isa/subleq/machine.hpp"

namespace loopcert::compile {

namespace {

class SubleqMachine final : public MachineAdapter {
 public:
  SubleqMachine(std::shared_ptr<const isa::SubleqProgram> program, std::shared_ptr<const CompiledLoop> compiled)
      : program_(std::move(program)), compiled_(std::move(compiled)) {
    reset();
  }

  void reset() override {
    ref_ = isa::initial_state(*program_);
    decoded_.clear();
  }
  bool halted() const override { return ref_.halted; }
  void step() override { ref_ = isa::step(*program_, ref_); }

  void expected(std::vector<StateEntry>& out) const override {
    const Layout& layout = compiled_->layout;
    const RowBlock& mem = layout.block("mem");
    for (int m = 0; m < program_->cells(); ++m) {
      const auto bits = integer_bits(ref_.memory[m], program_->bits);
      const int col = program_->memory_column(m);
      for (int k = 0; k < mem.size; ++k) out.push_back({mem.row(k), col, static_cast<double>(bits[k])});
    }
    if (!pc_on_command()) return;
    const RowBlock& pc = layout.block("pc");
    const auto code = position_code(program_->command_column(ref_.pc), pc.size);
    for (int k = 0; k < pc.size; ++k) out.push_back({pc.row(k), layout.scratch().begin, static_cast<double>(code[k])});
  }

  std::optional<Mismatch> compare(const Matrix<double>& X, double tolerance, bool keep) override {
    const DecodedState got = decode(compiled_->layout, *program_, X, tolerance);
    if (keep) decoded_ = got.invalid ? ref_.memory : got.memory;
    if (!pc_on_command())
      return Mismatch{"pc", "past the last command", std::to_string(got.pc),
                      "the program fell past its last command: it has no halt there, and the transformer no command "
                      "column (end the program with a halt)"};
    if (got.invalid) return Mismatch{"invalid", "+-1 within " + std::to_string(tolerance), std::to_string(got.invalid->value), got.invalid->where};
    if (got.pc != ref_.pc) return Mismatch{"pc", std::to_string(ref_.pc), std::to_string(got.pc), ""};
    for (int m = 0; m < program_->cells(); ++m)
      if (got.memory[m] != ref_.memory[m])
        return Mismatch{"mem[" + program_->cell_names.at(m) + "]", std::to_string(ref_.memory[m]), std::to_string(got.memory[m]), ""};
    return std::nullopt;
  }

  std::vector<Cell> memory() const override { return subleq_cells(*program_, decoded_.empty() ? ref_.memory : decoded_); }

  std::optional<Instruction> next_instruction() const override {
    if (!pc_on_command()) return std::nullopt;
    const isa::Command& cmd = program_->commands.at(ref_.pc);
    const std::int64_t value = isa::step(*program_, ref_).memory[cmd.b];
    const std::string& a = program_->cell_names[cmd.a];
    const std::string& b = program_->cell_names[cmd.b];
    Instruction out;
    out.pc = ref_.pc;
    out.fields = {{"a", a}, {"b", b}, {"c", std::int64_t{cmd.c}}, {"value", value}};
    out.text = fmt::format("subleq {:>8}, {:>8}, {:>5}  {:>9}", a, b, cmd.c, value);
    return out;
  }

 private:
  bool pc_on_command() const { return ref_.pc >= 0 && ref_.pc < program_->command_count(); }

  std::shared_ptr<const isa::SubleqProgram> program_;
  std::shared_ptr<const CompiledLoop> compiled_;
  isa::MachineState ref_;
  std::vector<std::int64_t> decoded_;  // empty: nothing decoded (kept) yet
};

Predictors subleq_predictors(const isa::SubleqProgram& program, const blocks::BlockParams& params,
                             std::shared_ptr<const CompiledLoop> compiled) {
  const int N = program.bits;
  // The leaks counted on the compiled layout's own codes (proofs/subleq_loop.md).
  const auto shape = std::make_shared<const bounds::LoopShape>(bounds::loop_shape(compiled->layout));
  const bounds::LoopConstants k = loop_constants(params);
  Predictors p;
  p.summary = [=](double lambda) {
    const double read = bounds::loop_read_error(*shape, lambda), write = bounds::loop_write_error(*shape, lambda, k.write_gate);
    BoundsSummary s;
    s.numbers = {{"read", read}, {"write", write}, {"snap", k.snap}, {"threshold", k.threshold}};
    s.theorem = "proofs/subleq_loop.md";
    s.text = fmt::format("read {:.3g} (snap at {}), write {:.3g} (corrected at {})", read, k.snap, write, k.threshold);
    return s;
  };
  p.exact = [=](double lambda, double margin) { return bounds::loop_is_exact(*shape, lambda, k, margin); };
  p.at_scalar = [=](const ScalarSpec& scalar) -> std::function<bool(const Rational&)> {
    if (scalar.kind == ScalarKind::Exact) return [=](const Rational& lambda) { return bounds::loop_is_exact(*shape, to_double(lambda), k); };
    const ScalarFacts& facts = scalar_facts(scalar);
    const int P = facts.precision;
    const double max_finite = facts.max_finite;
    const auto rounding = std::make_shared<bounds::LoopRounding>(bounds::loop_rounding(compiled->loop, compiled->layout, bounds::unit_roundoff(scalar), k));
    return [=](const Rational& lambda) {
      const double held = bounds::rounded_lambda(lambda, P);
      return bounds::loop_budget(*rounding, *shape, N, bounds::LambdaRange{held, held}, k, P, max_finite).holds;
    };
  };
  p.bits = [=](const Rational& lambda) { return bounds::predicted_bits(compiled->loop, compiled->layout, N, lambda, k); };
  p.default_lambda = default_lambda(compiled->layout, params);
  return p;
}

}  // namespace

Rational default_lambda(const Layout& layout, const blocks::BlockParams& params) {
  // bounds::default_lambda is a multiple of 1/2: its shortest decimal is exact.
  return parse_rational(fmt::format("{}", bounds::default_lambda(bounds::loop_shape(layout), loop_constants(params))));
}

Rational default_lambda(const isa::SubleqProgram& program, const blocks::BlockParams& params) {
  return default_lambda(Layout(program.scratch, program.cells(), program.command_count()), params);
}

std::vector<Cell> subleq_cells(const isa::SubleqProgram& program, const std::vector<std::int64_t>& memory) {
  std::vector<Cell> out;
  for (int m = 0; m < program.cells() && m < static_cast<int>(memory.size()); ++m) {
    const std::string& name = program.cell_names[m];
    out.push_back({name, memory[m], !program.from_csv && name == isa::kHaltZeroCell});
  }
  return out;
}

std::vector<std::int64_t> cell_values(const std::vector<Cell>& cells) {
  std::vector<std::int64_t> out;
  for (const auto& c : cells) out.push_back(std::get<std::int64_t>(c.value));
  return out;
}

LoopTarget subleq_target(const isa::SubleqProgram& program, const blocks::BlockParams& params) {
  CompiledSubleq c = compile_subleq(program, params);
  auto compiled = std::make_shared<const CompiledLoop>(CompiledLoop{std::move(c.layout), std::move(c.X0), std::move(c.loop)});
  auto shared_program = std::make_shared<const isa::SubleqProgram>(program);
  LoopTarget t;
  t.name = program.source;
  t.compiled = compiled;
  t.machine = [shared_program, compiled] { return std::make_unique<SubleqMachine>(shared_program, compiled); };
  t.hardmax_reference = true;  // dyadic weights, +-1/0 state: hardmax in double is exact (analysis/lockstep_impl.hpp)
  t.trace_header = "command                         new value";
  t.predict = subleq_predictors(program, params, compiled);
  return t;
}

}  // namespace loopcert::compile
