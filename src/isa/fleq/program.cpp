#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq {
namespace {

constexpr const char* kOpNames[kOpCount] = {
    "add",     "sub", "matmul", "tmatmul", "scale", "hadamard", "copy", "transpose",
    "sigmoid", "exp", "recip",  "sqrt",    "rsqrt", "none",     "halt",
};

}  // namespace

const char* op_name(Op op) { return kOpNames[static_cast<int>(op)]; }

bool is_function(Op op) { return op >= Op::sigmoid && op <= Op::rsqrt; }

Function function_of(Op op) {
  return static_cast<Function>(static_cast<int>(op) - static_cast<int>(Op::sigmoid));
}

const char* function_name(Function function) {
  return op_name(static_cast<Op>(static_cast<int>(Op::sigmoid) + static_cast<int>(function)));
}

int operand_count(Op op) {
  if (op <= Op::hadamard) return 2;
  if (op <= Op::rsqrt) return 1;
  return 0;
}

std::optional<Op> op_from_name(const std::string& name) {
  for (int i = 0; i < static_cast<int>(Op::none); ++i) {
    if (name == kOpNames[i]) return static_cast<Op>(i);
  }
  return std::nullopt;
}

int FleqProgram::cell_index(const std::string& name) const {
  for (int i = 0; i < cell_count(); ++i) {
    if (cells[static_cast<std::size_t>(i)].name == name) return i;
  }
  return -1;
}

}  // namespace loopcert::isa::fleq
