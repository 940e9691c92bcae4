// libFuzzer target: the `.fq` assembler (isa/fleq/assembler.hpp). Any text either
// assembles into a program the machine can index without checks (every operand, flag
// and branch target inside the program, every cell's shape within .k and its initial
// value of that shape) or is refused with an InputError; nothing else is allowed.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/input_error.hpp"
#include "isa/fleq/assembler.hpp"

namespace {

using namespace loopcert::isa::fleq;

bool inside(int index, int count) { return index >= 0 && index < count; }

void check_program(const FleqProgram& p) {
  if (p.k < 1 || p.k > kMaxCellSize || p.instructions.empty()) std::abort();
  for (const Cell& cell : p.cells) {
    if (cell.shape.rows < 1 || cell.shape.cols < 1 || cell.shape.rows > p.k || cell.shape.cols > p.k) std::abort();
    if (static_cast<int>(cell.initial.size()) != cell.shape.size()) std::abort();
  }
  for (const Instruction& in : p.instructions) {
    const int operands = operand_count(in.op);
    if (operands >= 1 && !inside(in.a, p.cell_count())) std::abort();
    if (operands >= 2 && !inside(in.b, p.cell_count())) std::abort();
    if (in.op != Op::none && in.op != Op::halt && !inside(in.c, p.cell_count())) std::abort();
    if (is_function(in.op) && !p.range(function_of(in.op))) std::abort();  // a function needs its declared range
    if (in.branch.kind == Branch::Kind::never) continue;
    if (in.branch.target < 0 || in.branch.target > p.instruction_count()) std::abort();
    if (in.branch.kind == Branch::Kind::if_le_zero &&
        (!inside(in.branch.flag, p.cell_count()) || p.cells[in.branch.flag].kind != CellKind::integer))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check_program(assemble_fq(text, "fuzz.fq"));
  } catch (const loopcert::InputError& e) {
    if (std::string(e.what()).rfind("fuzz.fq", 0) != 0) std::abort();  // names the file
  }
  return 0;
}
