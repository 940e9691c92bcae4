#include "compile/fleq/compiler.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "compile/fleq/format_limits.hpp"

namespace loopcert::compile::fleq {

std::optional<std::string> unsupported_instruction(const isa::fleq::FleqProgram& program) {
  using isa::fleq::Op;
  for (const auto& in : program.instructions) {
    if (in.op == Op::add || in.op == Op::sub || in.op == Op::copy || in.op == Op::tmatmul || in.op == Op::scale || in.op == Op::matmul || in.op == Op::transpose || in.op == Op::hadamard || isa::fleq::is_function(in.op) || in.op == Op::none || in.op == Op::halt) continue;
    return program.source + ":" + std::to_string(in.line) + ": '" + isa::fleq::op_name(in.op) +
           "' has no block in the FLEQ transformer yet (covered: add, sub, copy, tmatmul, matmul, scale, hadamard, transpose, sigmoid, exp, recip, sqrt, rsqrt, jumps, halt)";
  }
  return std::nullopt;
}

CompiledFleq compile_fleq(const isa::fleq::FleqProgram& program, const CompileOptions& options) {
  if (auto why = unsupported_instruction(program)) throw std::invalid_argument(*why);
  const Geometry g = geometry(program);
  Layout layout = fleq_layout(program);
  FleqConstants constants = fleq_constants(program, layout, options);
  Matrix<Rational> X0 = encode(layout, program, isa::fleq::initial_state(program));
  LoopSpec loop = fleq_loop(layout, g, constants);
  CompiledFleq compiled{std::move(layout), g, std::move(constants), std::move(X0), std::move(loop)};
  if (options.format && options.refuse) {  // README "Emulated formats": what the format cannot hold is refused before running
    const ScalarFacts& f = scalar_facts(*options.format);
    const std::vector<std::string> why = format_refusals(program, compiled, f);
    if (!why.empty()) {
      std::string text = f.name + " cannot hold the loop's weights: " + why.front();
      if (why.size() > 1) text += fmt::format(" (and {} more: {})", why.size() - 1, why[1]);
      throw std::invalid_argument(text);
    }
  }
  return compiled;
}

}  // namespace loopcert::compile::fleq
