#include "compile/fleq/layout.hpp"

#include <algorithm>
#include <utility>

namespace loopcert::compile::fleq {

Geometry geometry(const isa::fleq::FleqProgram& program) {
  Geometry g;
  int largest = 1;
  for (const auto& cell : program.cells) {
    g.rows = std::max(g.rows, cell.shape.rows);
    largest = std::max({largest, cell.shape.rows, cell.shape.cols});
  }
  while (g.width < largest) g.width *= 2, ++g.offset_bits;
  g.cells = program.cell_count();
  g.instructions = program.instruction_count();
  for (const auto& in : program.instructions) {
    g.hadamard = g.hadamard || in.op == isa::fleq::Op::hadamard;
    if (isa::fleq::is_function(in.op)) {
      int& rows = g.function_rows[static_cast<std::size_t>(isa::fleq::function_of(in.op))];
      rows = std::max(rows, program.cells[static_cast<std::size_t>(in.a)].shape.rows);
    }
  }
  if (g.uses_functions() && g.columns() % 2 != 0) g.pad = 1;
  return g;
}

std::string function_row(const std::string& prefix, isa::fleq::Function f) { return prefix + "_" + isa::fleq::function_name(f); }

Layout fleq_layout(const isa::fleq::FleqProgram& program) {
  const Geometry g = geometry(program);
  Layout layout(g.work_columns(), g.width * g.memory_cells(), g.commands());
  const int L = layout.address_bits();
  const int R = g.rows, W = g.width;
  std::vector<std::pair<const char*, int>> blocks = {
      {"pos", L}, {"is_int", 1}, {"is_work", 1}, {"is_pos", 1}, {"is_neg", 1}, {"is_mem", 1}, {"onehot", W}, {"onehot_neg", W}, {"sign", 1},
      {"slot", R}, {"onehot_q", R}, {"pair_pos", 1}, {"pair_neg", 1},
      {"cmd_a", L}, {"cmd_b", L}, {"cmd_c", L}, {"cmd_f", L}, {"cmd_p", L},
      {"cmd_add", 1}, {"cmd_sub", 1}, {"cmd_copy", 1}, {"cmd_keya", 1}, {"cmd_scale", 1}, {"cmd_matmul", 1}, {"cmd_transpose", 1}, {"cmd_hadamard", 1}, {"cmd_w", 1}, {"cmd_rows", R}, {"cmd_cols", W},
      {"val", R}, {"pc", L},
      {"ins_a", L}, {"ins_b", L}, {"ins_c", L}, {"ins_f", L}, {"ins_p", L},
      {"ins_add", 1}, {"ins_sub", 1}, {"ins_copy", 1}, {"ins_keya", 1}, {"ins_scale", 1}, {"ins_matmul", 1}, {"ins_transpose", 1}, {"ins_hadamard", 1}, {"ins_s", L}, {"ins_w", 1}, {"ins_rows", R}, {"ins_cols", W},
      {"sel_add", 1}, {"sel_sub", 1}, {"sel_copy", 1}, {"row_on", R}, {"col_on", 1}, {"write_on", 1}, {"sel_mm", 1}, {"sel_tr", 1}, {"sel_hd", 1}, {"key_h_pos", W}, {"key_h_neg", W}, {"gate_hd", R},
      {"key_a_pos", 1}, {"key_a_neg", 1}, {"key_s_pos", R}, {"key_s_neg", R},
      {"opa", R}, {"opb", R}, {"sv", R}, {"key", R}, {"prod", R}, {"at", R}, {"prod_mm", R}, {"gate_tr", R}, {"gate_mm", R}, {"ew", R}, {"gate_real", R}, {"res", R}, {"wbuf", R}, {"whit", 1},
      {"next", L}, {"fq", R}, {"flag", 1}};
  if (g.offset_bits > 0) blocks.insert(blocks.begin() + 7, {"offset", g.offset_bits});
  for (const auto& [name, size] : blocks) layout.add(name, size);
  // hadamard: row i's keys (A_it e_t, +- on the pairs), queries (B_ij e_j) and result.
  if (g.hadamard)
    for (int i = 0; i < R; ++i) {
      const std::string s = std::to_string(i);
      layout.add("had_key" + s, W);
      layout.add("had_query" + s, W);
      layout.add("had" + s, 1);
    }
  if (g.uses_functions()) layout.add("anchor", 1);
  for (int k = 0; k < isa::fleq::kFunctionCount; ++k) {
    const int rows = g.function_rows[static_cast<std::size_t>(k)];
    if (rows == 0) continue;
    const auto f = static_cast<isa::fleq::Function>(k);
    for (const char* field : {"cmd", "ins", "sel"}) layout.add(function_row(field, f), 1);
    layout.add(function_row("gate", f), rows);
    layout.add(function_row("fv", f), rows);
  }
  return layout;
}

}  // namespace loopcert::compile::fleq
