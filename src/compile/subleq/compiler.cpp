#include "compile/subleq/compiler.hpp"

#include <cmath>
#include <stdexcept>

#include "blocks/branch.hpp"
#include "blocks/correct.hpp"
#include "blocks/flag.hpp"
#include "blocks/increment.hpp"
#include "blocks/read.hpp"
#include "blocks/subtract.hpp"
#include "blocks/write.hpp"

namespace loopcert::compile {

Layout subleq_layout(const isa::SubleqProgram& program) {
  Layout layout(program.scratch, program.cells(), program.command_count());
  const int L = layout.address_bits();
  const int N = program.bits;
  for (auto [name, size] : std::initializer_list<std::pair<const char*, int>>{
           {"pos", L}, {"is_work", 1}, {"is_mem", 1}, {"cmd_a", L}, {"cmd_b", L}, {"cmd_c", L}, {"mem", N}, {"pc", L},
           {"ins_a", L}, {"ins_b", L}, {"ins_c", L}, {"val_a", N}, {"val_b", N}, {"diff", N}, {"next", L}, {"flag", 1},
           {"wbuf", N}, {"whit", 1}})
    layout.add(name, size);
  return layout;
}

LoopSpec subleq_loop(const Layout& layout, const blocks::BlockParams& params) {
  using namespace blocks;
  auto clear = [&](const std::string& name, std::vector<std::string> rows) {
    LayerSpec l(name, layout.rows());
    for (const auto& r : rows) {
      detail::clear_rows(l.ffn, layout.block(r));
      l.reads.insert(r);
      l.writes.insert(r);
    }
    return l;
  };
  auto layer = [&](const std::string& name, std::vector<LayerSpec> parts) {
    LayerSpec l(name, layout.rows());
    l.lambda = params.lambda;
    for (const auto& p : parts) l.merge(p);
    return l;
  };
  LoopSpec loop;
  loop.d = layout.rows();
  // 1. fetch the command at pc (one head), snap it; correct the pc.
  loop.layers.push_back(layer("fetch", {read(layout, {"read_instruction", "pc", {{"cmd_a", "ins_a"}, {"cmd_b", "ins_b"}, {"cmd_c", "ins_c"}}}, params),
                                        correct(layout, {"correct_pc", {"pc"}}, params)}));
  // 2. fetch both operands (two heads), snap them.
  loop.layers.push_back(layer("operands", {read(layout, {"read_a", "ins_a", {{"mem", "val_a"}}}, params),
                                           read(layout, {"read_b", "ins_b", {{"mem", "val_b"}}}, params),
                                           clear("clear_a", {"ins_a"})}));
  // 3. diff = mem[b] - mem[a]; next = pc + 1 (FFN only).
  loop.layers.push_back(layer("arithmetic", {subtract(layout, {}), increment(layout, {}), clear("clear_operands", {"val_a", "val_b"})}));
  // 4. write diff to mem[b] (one head); flag = diff <= 0.
  loop.layers.push_back(layer("write", {write(layout, {"write", "ins_b", "diff", "mem", "wbuf", "whit"}, params), flag(layout, {}),
                                        clear("clear_diff", {"diff", "ins_b"})}));
  // 5. pc = flag ? c : pc + 1; correct memory; clear the rest.
  loop.layers.push_back(layer("branch", {branch(layout, {}), correct(layout, {"correct_mem", {"mem"}}, params),
                                         clear("clear_branch", {"ins_c", "next", "flag"})}));
  return loop;
}

namespace {
void put(Matrix<Rational>& X, const RowBlock& block, int column, const std::vector<int>& bits) {
  for (int k = 0; k < block.size; ++k) X(block.row(k), column) = bits[k];
}
}  // namespace

Matrix<Rational> encode(const Layout& layout, const isa::SubleqProgram& program, int pc, const std::vector<std::int64_t>& memory) {
  const int L = layout.address_bits();
  Matrix<Rational> X = Matrix<Rational>::Zero(layout.rows(), layout.columns());
  // Scratchpad columns are never addressed and keep a zero positional code.
  for (int j = layout.memory().begin; j < layout.columns(); ++j) put(X, layout.block("pos"), j, position_code(j, L));
  X(layout.row("is_work"), layout.scratch().begin) = 1;
  for (int j = layout.memory().begin; j < layout.memory().end; ++j) X(layout.row("is_mem"), j) = 1;
  for (int i = 0; i < program.command_count(); ++i) {
    const auto& cmd = program.commands[i];
    const int col = program.command_column(i);
    put(X, layout.block("cmd_a"), col, position_code(program.memory_column(cmd.a), L));
    put(X, layout.block("cmd_b"), col, position_code(program.memory_column(cmd.b), L));
    put(X, layout.block("cmd_c"), col, position_code(program.command_column(cmd.c), L));
  }
  for (int m = 0; m < program.cells(); ++m) put(X, layout.block("mem"), program.memory_column(m), integer_bits(memory[m], program.bits));
  put(X, layout.block("pc"), layout.scratch().begin, position_code(program.command_column(pc), L));
  return X;
}

CompiledSubleq compile_subleq(const isa::SubleqProgram& program, const blocks::BlockParams& params) {
  if (program.command_count() < 1) throw std::invalid_argument("the program has no commands");
  if (program.bits > 62)
    throw std::invalid_argument("N = " + std::to_string(program.bits) + " bits: the adder's integer sums reach 2^(N+2), limit is N <= 62");
  for (const auto& cmd : program.commands)
    if (cmd.c < 0 || cmd.c >= program.command_count())
      throw std::invalid_argument("command at line " + std::to_string(cmd.line) + " jumps outside the program");
  Layout layout = subleq_layout(program);
  CompiledSubleq out{layout, encode(layout, program, 0, program.memory), subleq_loop(layout, params), params};
  return out;
}

DecodedState decode(const Layout& layout, const isa::SubleqProgram& program, const Matrix<double>& X, double tolerance) {
  DecodedState state;
  // Reads one block at one column; records the first entry that is not a bit.
  auto read = [&](const RowBlock& block, int column, const std::string& where) {
    std::vector<double> entries(block.size);
    for (int k = 0; k < block.size; ++k) entries[k] = X(block.row(k), column);
    const DecodedBits bits = decode_bits(entries, block.size, tolerance);
    if (bits.invalid && !state.invalid) {
      const int row = block.row(*bits.invalid);
      state.invalid = InvalidEntry{row, column, X(row, column), layout.describe_row(row) + " at " + where};
    }
    return bits.unsigned_value;
  };
  const RowBlock& mem = layout.block("mem");
  for (int m = 0; m < program.cells(); ++m) {
    const int col = program.memory_column(m);
    state.memory.push_back(to_signed(read(mem, col, layout.describe_column(col)), program.bits));
  }
  const int code = static_cast<int>(read(layout.block("pc"), layout.scratch().begin, "the work column"));
  state.pc = layout.commands().contains(code) ? code - layout.commands().begin : -1;
  return state;
}

bounds::LoopConstants loop_constants(const blocks::BlockParams& p) {
  return {to_double(p.snap), to_double(p.threshold), to_double(p.write_gate)};
}

}  // namespace loopcert::compile
