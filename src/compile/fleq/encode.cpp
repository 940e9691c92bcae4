// encode and decode of the FLEQ punchcard (compile/fleq/compiler.hpp).
#include <cmath>

#include "compile/encoding.hpp"
#include "compile/fleq/compiler.hpp"

namespace loopcert::compile::fleq {
namespace {

using isa::fleq::Branch;
using isa::fleq::Op;

void put(Matrix<Rational>& X, const RowBlock& block, int column, const std::vector<int>& bits) {
  for (int i = 0; i < block.size; ++i) X(block.row(i), column) = bits[static_cast<std::size_t>(i)];
}
std::vector<int> thermometer(int size, int on) {
  std::vector<int> v(static_cast<std::size_t>(size), -1);
  for (int i = 0; i < on && i < size; ++i) v[static_cast<std::size_t>(i)] = 1;
  return v;
}

// The fields of one command column (instruction i, or the fall-off halt).
void put_command(Matrix<Rational>& X, const Layout& layout, const Geometry& g, const isa::fleq::FleqProgram& program, int i) {
  const int L = layout.address_bits();
  const int col = g.command_column(i);
  const bool fall_off = i >= g.halt_command();  // the fall-off halt, and the pad
  isa::fleq::Instruction in;
  if (fall_off) in.op = Op::halt;
  else in = program.instructions[static_cast<std::size_t>(i)];
  const bool writes = in.op == Op::add || in.op == Op::sub || in.op == Op::copy || in.op == Op::tmatmul || in.op == Op::scale ||
                      in.op == Op::matmul || in.op == Op::transpose || in.op == Op::hadamard || isa::fleq::is_function(in.op);
  auto cell_code = [&](int cell) { return position_code(g.cell_column(cell < 0 ? g.never_cell() : cell), L); };
  put(X, layout.block("cmd_a"), col, cell_code(in.a));  // also fetched into ins_s (no offsets)
  put(X, layout.block("cmd_b"), col, cell_code(in.b));
  put(X, layout.block("cmd_c"), col, cell_code(writes ? in.c : -1));
  // The branch kind is the flag cell: `never` holds 1 (no jump), `always` holds 0.
  int flag = g.never_cell(), target = i + 1 <= g.halt_command() ? i + 1 : i;
  if (in.op == Op::halt) flag = g.always_cell(), target = i;
  else if (in.branch.kind == Branch::Kind::always) flag = g.always_cell(), target = in.branch.target;
  else if (in.branch.kind == Branch::Kind::if_le_zero) flag = in.branch.flag, target = in.branch.target;
  put(X, layout.block("cmd_f"), col, position_code(g.cell_column(flag), L));
  put(X, layout.block("cmd_p"), col, position_code(g.command_column(target), L));
  X(layout.row("cmd_add"), col) = in.op == Op::add ? 1 : -1;
  X(layout.row("cmd_sub"), col) = in.op == Op::sub ? 1 : -1;
  X(layout.row("cmd_copy"), col) = in.op == Op::copy ? 1 : -1;
  X(layout.row("cmd_keya"), col) = in.op == Op::tmatmul || in.op == Op::matmul || in.op == Op::transpose ? 1 : -1;
  X(layout.row("cmd_matmul"), col) = in.op == Op::matmul ? 1 : -1;
  X(layout.row("cmd_transpose"), col) = in.op == Op::transpose ? 1 : -1;
  X(layout.row("cmd_hadamard"), col) = in.op == Op::hadamard ? 1 : -1;
  X(layout.row("cmd_scale"), col) = in.op == Op::scale ? 1 : -1;
  X(layout.row("cmd_w"), col) = writes ? 1 : -1;
  for (int k = 0; k < isa::fleq::kFunctionCount; ++k) {
    const auto f = static_cast<isa::fleq::Function>(k);
    if (g.function_rows[static_cast<std::size_t>(k)] > 0)
      X(layout.row(function_row("cmd", f)), col) = isa::fleq::is_function(in.op) && isa::fleq::function_of(in.op) == f ? 1 : -1;
  }
  const isa::fleq::Cell* dest = writes ? &program.cells[static_cast<std::size_t>(in.c)] : nullptr;
  put(X, layout.block("cmd_rows"), col, thermometer(g.rows, dest ? dest->shape.rows : 0));
  put(X, layout.block("cmd_cols"), col, thermometer(g.width, dest ? dest->shape.cols : 0));
}

void put_cell(Matrix<Rational>& X, const Layout& layout, const Geometry& g, int cell, const isa::fleq::Matrix& value) {
  const RowBlock& val = layout.block("val");
  for (int r = 0; r < value.shape.rows; ++r)
    for (int t = 0; t < value.shape.cols; ++t) X(val.row(r), g.cell_column(cell, t)) = value.at(r, t);
}

}  // namespace

Matrix<Rational> encode(const Layout& layout, const isa::fleq::FleqProgram& program, const isa::fleq::MachineState& state) {
  const Geometry g = geometry(program);
  const int L = layout.address_bits();
  Matrix<Rational> X = Matrix<Rational>::Zero(layout.rows(), layout.columns());
  // Work columns are never addressed and keep a zero positional code (as SUBLEQ's scratch).
  for (int j = layout.memory().begin; j < layout.columns(); ++j) put(X, layout.block("pos"), j, position_code(j, L));
  for (int j = layout.memory().begin; j < layout.memory().end; ++j) X(layout.row("is_mem"), j) = 1;
  const int W = g.width;
  for (int t = 0; t < W; ++t) {
    for (const int col : {t, W + t}) {
      X(layout.row("is_work"), col) = 1;
      for (int b = 0; b < g.offset_bits; ++b) X(layout.row("offset", b), col) = ((t >> (g.offset_bits - 1 - b)) & 1) ? 2 : 0;
      put(X, layout.block("pc"), col, position_code(g.command_column(state.pc), L));
    }
    X(layout.row("is_pos"), t) = 1;
    X(layout.row("is_neg"), W + t) = 1;
    X(layout.row("onehot", t), t) = 1;
    X(layout.row("onehot_neg", t), W + t) = 1;
    X(layout.row("sign"), t) = 1;
    X(layout.row("sign"), W + t) = -1;
    if (t < g.rows) {  // the product's pairs: one per result row
      X(layout.row("slot", t), t) = 1;
      X(layout.row("slot", t), W + t) = -1;
      X(layout.row("onehot_q", t), t) = 1;
      X(layout.row("onehot_q", t), W + t) = 1;
      X(layout.row("pair_pos"), t) = 1;
      X(layout.row("pair_neg"), W + t) = 1;
    }
  }
  for (int i = 0; i < g.commands(); ++i) put_command(X, layout, g, program, i);
  // The function heads' anchors: exactly half the columns (blocks/fleq_function.hpp).
  if (g.uses_functions())
    for (int j = layout.columns() / 2; j < layout.columns(); ++j) X(layout.row("anchor"), j) = 1;
  for (int c = 0; c < g.cells; ++c) {
    put_cell(X, layout, g, c, state.cells[static_cast<std::size_t>(c)]);
    if (program.cells[static_cast<std::size_t>(c)].kind == isa::fleq::CellKind::integer) X(layout.row("is_int"), g.cell_column(c)) = 1;
  }
  X(layout.row("is_int"), g.cell_column(g.never_cell())) = 1;
  X(layout.row("is_int"), g.cell_column(g.always_cell())) = 1;
  X(layout.row("val"), g.cell_column(g.never_cell())) = 1;  // `always` holds 0
  return X;
}

DecodedFleq decode(const Layout& layout, const isa::fleq::FleqProgram& program, const Matrix<double>& X) {
  const Geometry g = geometry(program);
  DecodedFleq out;
  auto refuse = [&](int row, int column, const std::string& what) {
    if (!out.invalid) out.invalid = InvalidEntry{row, column, X(row, column), layout.describe_row(row) + " at column " + std::to_string(column) + " (" + what + ")"};
  };
  const RowBlock& val = layout.block("val");
  for (int c = 0; c < g.cells; ++c) {
    const auto& cell = program.cells[static_cast<std::size_t>(c)];
    DecodedCell d;
    for (int r = 0; r < cell.shape.rows; ++r)
      for (int t = 0; t < cell.shape.cols; ++t) d.entries.push_back(X(val.row(r), g.cell_column(c, t)));
    if (cell.kind == isa::fleq::CellKind::integer) {
      const double x = d.entries[0];
      const double m = std::nearbyint(x);
      if (std::abs(x - m) <= 0.25 && std::abs(m) < 0x1p62) d.integer = static_cast<std::int64_t>(m);
      else refuse(val.row(0), g.cell_column(c), "cell '" + cell.name + "' is not within 1/4 of an integer");
    }
    out.cells.push_back(std::move(d));
  }
  const RowBlock& pc = layout.block("pc");
  int code = -1;
  for (int t = 0; t < g.work_columns(); ++t) {
    std::vector<double> bits(static_cast<std::size_t>(pc.size));
    for (int b = 0; b < pc.size; ++b) bits[static_cast<std::size_t>(b)] = X(pc.row(b), t);
    const DecodedBits d = decode_bits(bits, pc.size, 0.25);
    if (d.invalid) refuse(pc.row(*d.invalid), t, "a pc bit is not within 1/4 of +-1");
    else if (code >= 0 && static_cast<int>(d.unsigned_value) != code) refuse(pc.row(0), t, "the work columns disagree on pc");
    else code = static_cast<int>(d.unsigned_value);
  }
  const int first = g.command_column(0);
  if (code >= first && code < first + g.commands()) out.pc = code - first;
  else if (code >= 0) refuse(pc.row(0), 0, "pc code " + std::to_string(code) + " is not a command column");
  return out;
}

}  // namespace loopcert::compile::fleq
