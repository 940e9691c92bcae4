#include "analysis/fleq_loop_constants.hpp"

#include "compile/fleq/functions.hpp"

namespace loopcert::analysis {

bounds::FleqLoopConstants fleq_loop_constants(const isa::fleq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled,
                                              const std::vector<double>& fit_errors) {
  const auto& c = compiled.constants;
  bounds::FleqLoopConstants k;
  k.n = compiled.layout.columns();
  k.L = compiled.layout.address_bits();
  k.rows = compiled.geometry.rows;
  k.width = compiled.geometry.width;
  k.data_bound = to_double(c.data_bound);
  k.real_bound = to_double(program.bound);
  k.int_bound = c.int_bound;
  k.read_lambda = to_double(c.read_lambda);
  k.write_lambda = to_double(c.write_lambda);
  k.fetch_snap = to_double(c.controller.snap);
  k.fetch_gate = to_double(c.controller.gate);
  k.write_gate = to_double(c.write_gate);
  k.select_gate = to_double(c.select_gate);
  k.flag_gate = to_double(c.flag_gate);
  k.snap_gate = to_double(c.snap_gate);
  k.product_scale_log2 = c.product_scale_log2;
  k.transpose_scale_log2 = c.transpose_scale_log2;
  k.hadamard_scale_log2 = c.hadamard_scale_log2;
  k.matmul_scale_log2 = c.matmul_scale_log2;
  k.loop = &compiled.loop;
  // Each function's block inputs but the read error (the loop theorem supplies it).
  k.functions.resize(c.functions.size());
  for (std::size_t f = 0; f < c.functions.size(); ++f)
    if (c.functions[f] && f < fit_errors.size()) k.functions[f] = compile::fleq::fleq_function_bound_inputs(*c.functions[f], k.n, 0, fit_errors[f]);
  return k;
}

std::optional<bounds::FleqInstructionShape> fleq_instruction_shape(const isa::fleq::FleqProgram& program, int pc) {
  using isa::fleq::Op;
  if (pc < 0 || pc >= program.instruction_count()) return std::nullopt;
  const isa::fleq::Instruction& in = program.instructions[static_cast<std::size_t>(pc)];
  if (in.c < 0) return std::nullopt;
  bounds::FleqInstructionShape s;
  switch (in.op) {
    case Op::add: s.op = bounds::FleqBoundOp::add; break;
    case Op::sub: s.op = bounds::FleqBoundOp::sub; break;
    case Op::copy: s.op = bounds::FleqBoundOp::copy; break;
    case Op::scale: s.op = bounds::FleqBoundOp::scale; break;
    case Op::tmatmul: s.op = bounds::FleqBoundOp::tmatmul; break;
    case Op::matmul: s.op = bounds::FleqBoundOp::matmul; break;
    case Op::transpose: s.op = bounds::FleqBoundOp::transpose; break;
    case Op::hadamard: s.op = bounds::FleqBoundOp::hadamard; break;
    case Op::sigmoid: case Op::exp: case Op::recip: case Op::sqrt: case Op::rsqrt:
      s.op = bounds::FleqBoundOp::function;
      s.function = static_cast<int>(isa::fleq::function_of(in.op));
      break;
    case Op::none: case Op::halt: return std::nullopt;
  }
  const auto& a = program.cells[static_cast<std::size_t>(in.a)].shape;
  s.a_rows = a.rows, s.a_cols = a.cols;
  if (in.b >= 0) {
    const auto& b = program.cells[static_cast<std::size_t>(in.b)].shape;
    s.b_rows = b.rows, s.b_cols = b.cols;
  }
  s.int_result = program.cells[static_cast<std::size_t>(in.c)].kind == isa::fleq::CellKind::integer;
  return s;
}

}  // namespace loopcert::analysis
