// The FLEQ punchcard (proofs/fleq_design.md section 1): columns [work | memory | commands],
// every region cut into blocks of `width` columns aligned to multiples of `width`, so
// that a cell's matrix column t sits at offset t of its block and a pointer is the
// positional code of the block's first column.
//
// The block width is the smallest power of two that holds every declared cell (at most
// 2^ceil(log2 k)): a program of 1x1 cells (the .sq rewrites) gets one column per cell.
// The memory holds the program's cells and two constant .int cells the compiler adds,
// `never` (= 1: the flag of an instruction without a branch) and `always` (= 0: the
// flag of `goto` and `halt`), so the branch kind is a pointer, not a field. The commands
// are the instructions plus one `halt` for falling off the end.
#pragma once
#include <array>
#include <string>

#include "isa/fleq/program.hpp"
#include "tf/layout.hpp"

namespace loopcert::compile::fleq {

// The column geometry of one program's punchcard: where cells and instructions live.
struct Geometry {
  int rows = 1;        // data rows per column: the largest declared cell row count
  int width = 1;       // columns per block (a power of two)
  int offset_bits = 0; // log2(width)
  int cells = 0;       // program cells (the two constants follow them)
  int instructions = 0;
  bool hadamard = false;  // the program uses hadamard: one product head per row is built
  // Per function (isa::fleq::Function order): the most rows of an operand it is applied
  // to (0: unused). Its block has one head per (term, row) for these rows.
  std::array<int, isa::fleq::kFunctionCount> function_rows{};
  // 1 when the program uses a function and the columns would be odd: one more (never
  // reached) halt command, so that the anchors can be exactly half the columns.
  int pad = 0;

  bool uses_functions() const {
    for (const int r : function_rows)
      if (r > 0) return true;
    return false;
  }

  int never_cell() const { return cells; }
  int always_cell() const { return cells + 1; }
  int memory_cells() const { return cells + 2; }
  int commands() const { return instructions + 1 + pad; }  // then the fall-off halt (and the pad)
  int halt_command() const { return instructions; }
  // The work block is two blocks: column t holds matrix column t of the operands, column
  // width + t its negated twin (the product's paired key columns, blocks/fleq_product.hpp).
  int work_columns() const { return 2 * width; }
  // Column of matrix column t of cell j, and of command i.
  int cell_column(int cell, int t = 0) const { return width * (cell + 2) + t; }
  int command_column(int i) const { return width * (memory_cells() + 2) + i; }
  int columns() const { return command_column(commands()); }
};

// The row names of function f's opcode field, fetched field, selector, gates and values.
std::string function_row(const std::string& prefix, isa::fleq::Function f);  // "cmd_recip", ...

Geometry geometry(const isa::fleq::FleqProgram& program);

// The row blocks (every one named; rows are never addressed by index arithmetic):
//   constants: pos (L), is_int (1 on the first column of every .int cell), is_work (both work blocks), is_pos, is_neg (each block), is_mem,
//     onehot (width: e_t on work column t), onehot_neg (rows: e_t on twin column t),
//     slot (rows: +e_t on work column t, -e_t on its twin: the product's pairs),
//     onehot_q (rows: e_t on work column t and its twin: the transpose's queries),
//     sign (+1 on the work block, -1 on its twin: the hadamard heads' values),
//     pair_pos, pair_neg (1 on the columns of pairs t < rows), offset (offset_bits: 2 on
//     the 1 bits of t on work column t and its twin; only when width > 1)
//   command fields (command columns; +-1): cmd_a, cmd_b, cmd_c, cmd_f, cmd_p (L each),
//     cmd_add, cmd_sub, cmd_copy, cmd_keya (tmatmul, matmul,
//     transpose: the first operand's columns are the product's keys), cmd_scale,
//     cmd_matmul, cmd_transpose, cmd_hadamard (the opcode), cmd_w (writes), cmd_rows (rows: +1 for the destination's rows), cmd_cols (width)
//   state: val (rows; memory columns), pc (L; every work column)
//   per-loop temporaries, zero between loops: ins_* (fetched fields; ins_s is the first
//     operand's pointer without offsets), sel_add, sel_sub, sel_copy, row_on (rows),
//     col_on, write_on (0/1), key_a_pos, key_a_neg (1), key_s_pos, key_s_neg
//     (rows), sel_mm, sel_tr: the products' key and result gates, opa, opb, sv, key,
//     prod (A^T B, s B), at (A^T), prod_mm (A B), gate_tr, gate_mm (rows), ew,
//     gate_real (rows), res (rows), sel_hd, key_h_pos, key_h_neg (width), gate_hd (rows)
//     and, for a program with hadamard, had_key<i>, had_query<i> (width), had<i> (1), wbuf (rows), whit, next (L), fq (rows),
//     flag
//   for a program with elementwise functions: anchor (constant: 1 on the last n/2
//     columns) and per function f used: cmd_f, ins_f, sel_f (1), gate_f, fv_f (its rows)
Layout fleq_layout(const isa::fleq::FleqProgram& program);

}  // namespace loopcert::compile::fleq
