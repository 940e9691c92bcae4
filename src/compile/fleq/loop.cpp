#include "compile/fleq/loop.hpp"

#include "blocks/branch.hpp"
#include "blocks/correct.hpp"
#include "blocks/fleq_elementwise.hpp"
#include "blocks/fleq_flag.hpp"
#include "blocks/fleq_function.hpp"
#include "blocks/fleq_int_snap.hpp"
#include "blocks/fleq_matmul.hpp"
#include "blocks/fleq_product.hpp"
#include "blocks/fleq_read.hpp"
#include "blocks/fleq_transpose.hpp"
#include "blocks/fleq_write.hpp"
#include "blocks/increment.hpp"
#include "blocks/read.hpp"
#include "compile/fleq/detail/wiring.hpp"

namespace loopcert::compile::fleq {
namespace {

// A layer of wiring units (no lemma of its own) that records what it touches.
struct Wiring {
  LayerSpec spec;
  Wiring(const std::string& name, const Layout& layout) : spec(name, layout.rows()) {}
  int row(const Layout& layout, const std::string& block, int i = 0) {
    spec.reads.insert(block);
    return layout.row(block, i);
  }
  int out(const Layout& layout, const std::string& block, int i = 0) {
    spec.writes.insert(block);
    return layout.row(block, i);
  }
};

namespace fq = isa::fleq;

// The functions the program uses, with their row counts.
std::vector<std::pair<fq::Function, int>> used_functions(const Geometry& g) {
  std::vector<std::pair<fq::Function, int>> out;
  for (int k = 0; k < fq::kFunctionCount; ++k)
    if (g.function_rows[static_cast<std::size_t>(k)] > 0) out.emplace_back(static_cast<fq::Function>(k), g.function_rows[static_cast<std::size_t>(k)]);
  return out;
}

LayerSpec clear(const Layout& layout, const std::string& name, const std::vector<std::string>& rows) {
  LayerSpec l(name, layout.rows());
  for (const auto& r : rows) {
    detail::clear_rows(l.ffn, layout.block(r));
    l.reads.insert(r);
    l.writes.insert(r);
  }
  return l;
}

LayerSpec merged(const Layout& layout, const std::string& name, const std::vector<LayerSpec>& parts) {
  LayerSpec l(name, layout.rows());
  for (const auto& p : parts) l.merge(p);
  return l;
}

// Layer 2: 0/1 selectors and masks from the +-1 fields; pointer offsets.
LayerSpec decode_layer(const Layout& layout, const Geometry& g) {
  Wiring w("decode_fields", layout);
  auto& ffn = w.spec.ffn;
  const int work = w.row(layout, "is_work");
  for (const auto& [field, sel] : std::vector<std::pair<std::string, std::string>>{
           {"ins_add", "sel_add"}, {"ins_sub", "sel_sub"}, {"ins_copy", "sel_copy"},
           {"ins_matmul", "sel_mm"}, {"ins_transpose", "sel_tr"}, {"ins_hadamard", "sel_hd"}})
    detail::add_bit01(ffn, w.row(layout, field), work, w.out(layout, sel));
  for (const auto& [f, rows] : used_functions(g)) detail::add_bit01(ffn, w.row(layout, function_row("ins", f)), work, w.out(layout, function_row("sel", f)));
  for (int i = 0; i < g.rows; ++i) detail::add_bit01(ffn, w.row(layout, "ins_rows", i), work, w.out(layout, "row_on", i));
  // Only the work block writes (its twin's pointer would tie with it).
  detail::add_bit_and(ffn, w.row(layout, "ins_w"), w.row(layout, "is_pos"), w.out(layout, "write_on"));
  // col_on = sum_t [x_t = 1 and onehot_t]: bit t of the column mask on work column t (0 on the twins).
  const int col_on = w.out(layout, "col_on");
  for (int t = 0; t < g.width; ++t) detail::add_bit_and(ffn, w.row(layout, "ins_cols", t), w.row(layout, "onehot", t), col_on);
  // The product's key gates: the first operand's columns (tmatmul) or s e_t (scale), +- on the pairs.
  detail::add_bit_and(ffn, w.row(layout, "ins_keya"), w.row(layout, "pair_pos"), w.out(layout, "key_a_pos"));
  detail::add_bit_and(ffn, w.row(layout, "ins_keya"), w.row(layout, "pair_neg"), w.out(layout, "key_a_neg"));
  for (int t = 0; t < g.width; ++t) {
    detail::add_bit_and(ffn, w.row(layout, "ins_hadamard"), w.row(layout, "onehot", t), w.out(layout, "key_h_pos", t));
    detail::add_bit_and(ffn, w.row(layout, "ins_hadamard"), w.row(layout, "onehot_neg", t), w.out(layout, "key_h_neg", t));
  }
  for (int l = 0; l < g.rows; ++l) {
    detail::add_bit_and(ffn, w.row(layout, "ins_scale"), w.row(layout, "onehot", l), w.out(layout, "key_s_pos", l));
    detail::add_bit_and(ffn, w.row(layout, "ins_scale"), w.row(layout, "onehot_neg", l), w.out(layout, "key_s_neg", l));
  }
  // Work column t (and its twin) addresses matrix column t of a cell: the pointer's low
  // bits become the code of t (the command holds the code of the cell's first column).
  // The destination pointer exists on the work block only: relu(offset - 2 is_neg), and
  // the twin's fetched copy is removed (-is_neg x, exact for x = +-1).
  const int L = layout.address_bits();
  for (const std::string ptr : {"ins_a", "ins_b"})
    for (int b = 0; b < g.offset_bits; ++b)
      ffn.add_output(w.out(layout, ptr, L - g.offset_bits + b), detail::identity_unit(ffn, w.row(layout, "offset", b)), 1);
  const int neg = w.row(layout, "is_neg");
  for (int b = 0; b < L; ++b) {
    const int r = w.out(layout, "ins_c", b);
    if (b >= L - g.offset_bits)
      ffn.add_output(r, ffn.add_unit(0, {{w.row(layout, "offset", b - (L - g.offset_bits)), 1}, {neg, -2}}), 1);
    detail::add_gated_pass(ffn, {r}, neg, r, 2, -1);
  }
  std::vector<std::string> fields = {"ins_add", "ins_sub", "ins_copy", "ins_keya", "ins_scale", "ins_matmul", "ins_transpose", "ins_hadamard", "ins_w", "ins_rows", "ins_cols"};
  for (const auto& [f, rows] : used_functions(g)) fields.push_back(function_row("ins", f));
  w.spec.merge(clear(layout, "clear_fields", fields));
  return w.spec;
}

// Layer 3's gates (ANDs of 0/1 rows, one unit each): on a destination entry (row_on(i)
// and col_on) gate_tr for transpose, gate_mm for matmul, gate_real for every other
// result (an .int result passes as it is: the flag layer snaps the .int cells).
LayerSpec gates(const Layout& layout, const Geometry& g) {
  Wiring w("result_gates", layout);
  auto& ffn = w.spec.ffn;
  const int col_on = w.row(layout, "col_on");
  const int mm = w.row(layout, "sel_mm"), tr = w.row(layout, "sel_tr"), hd = w.row(layout, "sel_hd");
  const auto functions = used_functions(g);
  for (int i = 0; i < g.rows; ++i) {
    const int row_on = w.row(layout, "row_on", i);
    detail::Terms real = {{row_on, 1}, {col_on, 1}, {mm, -1}, {tr, -1}, {hd, -1}};
    for (const auto& [f, rows] : functions) {
      const int sel = w.row(layout, function_row("sel", f));
      real.push_back({sel, -1});
      // The function's own gate, on the rows it has (a function result has its operand's shape).
      if (i < rows) ffn.add_output(w.out(layout, function_row("gate", f), i), ffn.add_unit(-2, {{row_on, 1}, {col_on, 1}, {sel, 1}}), 1);
    }
    ffn.add_output(w.out(layout, "gate_real", i), ffn.add_unit(-1, real), 1);
    ffn.add_output(w.out(layout, "gate_hd", i), ffn.add_unit(-2, {{row_on, 1}, {col_on, 1}, {hd, 1}}), 1);
    ffn.add_output(w.out(layout, "gate_tr", i), ffn.add_unit(-2, {{row_on, 1}, {col_on, 1}, {tr, 1}}), 1);
    ffn.add_output(w.out(layout, "gate_mm", i), ffn.add_unit(-2, {{row_on, 1}, {col_on, 1}, {mm, 1}}), 1);
  }
  return w.spec;
}

// Layer 3's product keys: key = +-opa (tmatmul) or +-sv[0] e_l (scale) on the pairs, 0 elsewhere.
LayerSpec product_keys(const Layout& layout, const Geometry& g, const FleqConstants& c) {
  Wiring w("product_keys", layout);
  auto& ffn = w.spec.ffn;
  const int s = w.row(layout, "sv", 0);
  for (int l = 0; l < g.rows; ++l) {
    const int key = w.out(layout, "key", l), a = w.row(layout, "opa", l);
    detail::add_gated_pass(ffn, {a}, w.row(layout, "key_a_pos"), key, c.select_gate);
    detail::add_gated_pass(ffn, {a}, w.row(layout, "key_a_neg"), key, c.select_gate, -1);
    detail::add_gated_pass(ffn, {s}, w.row(layout, "key_s_pos", l), key, c.select_gate);
    detail::add_gated_pass(ffn, {s}, w.row(layout, "key_s_neg", l), key, c.select_gate, -1);
  }
  // hadamard, row i: keys A_it e_t (+- on the work block and its twin), queries B_ij e_j.
  if (g.hadamard)
    for (int i = 0; i < g.rows; ++i)
      for (int t = 0; t < g.width; ++t) {
        const std::string s = std::to_string(i);
        const int key = w.out(layout, "had_key" + s, t), a = w.row(layout, "opa", i);
        detail::add_gated_pass(ffn, {a}, w.row(layout, "key_h_pos", t), key, c.select_gate);
        detail::add_gated_pass(ffn, {a}, w.row(layout, "key_h_neg", t), key, c.select_gate, -1);
        detail::add_gated_pass(ffn, {w.row(layout, "opb", i)}, w.row(layout, "onehot", t), w.out(layout, "had_query" + s, t), c.select_gate);
      }
  return w.spec;
}

// Layer 4: res = gate_real (ew + prod) + gate_tr at + gate_mm prod_mm (every row). On a
// column where gate_real is 1, ew or prod is exactly 0 (its selector or keys are 0).
LayerSpec result_layer(const Layout& layout, const Geometry& g, const FleqConstants& c) {
  Wiring w("select_result", layout);
  auto& ffn = w.spec.ffn;
  for (int i = 0; i < g.rows; ++i) {
    const int res = w.out(layout, "res", i);
    detail::add_gated_pass(ffn, {w.row(layout, "ew", i), w.row(layout, "prod", i)}, w.row(layout, "gate_real", i), res, c.select_gate);
    detail::add_gated_pass(ffn, {w.row(layout, "at", i)}, w.row(layout, "gate_tr", i), res, c.select_gate);
    detail::add_gated_pass(ffn, {w.row(layout, "prod_mm", i)}, w.row(layout, "gate_mm", i), res, c.select_gate);
    if (g.hadamard) detail::add_gated_pass(ffn, {w.row(layout, "had" + std::to_string(i))}, w.row(layout, "gate_hd", i), res, c.select_gate);
    for (const auto& [f, rows] : used_functions(g)) {
      if (i >= rows) continue;
      const blocks::FunctionFit& fit = *c.functions[static_cast<std::size_t>(f)];
      blocks::add_function_result(ffn, w.row(layout, function_row("fv", f), i), w.row(layout, function_row("gate", f), i), res, fit.sum.c0, fit.gate);
    }
  }
  return w.spec;
}

blocks::FleqReadPlan data_read(const std::string& name, const std::string& pointer, const std::string& operand, const FleqConstants& c) {
  return {name, pointer, "val", operand, "is_work", "pos", c.read_lambda, c.read_gate};
}

// The per-loop temporaries each layer clears after their last read (zero between loops):
// in layer 3 the selectors, in layer 4 the operands and gates, in layer 5 the results.
struct Temporaries {
  std::vector<std::string> selectors, operands, destination;
};
Temporaries temporaries(const Geometry& g) {
  Temporaries t;
  t.selectors = {"sel_add", "sel_sub", "sel_copy", "row_on", "col_on", "sel_mm", "sel_tr", "sel_hd", "ins_a", "ins_b", "ins_s",
                 "key_a_pos", "key_a_neg", "key_s_pos", "key_s_neg", "key_h_pos", "key_h_neg"};
  t.operands = {"opa", "opb", "sv", "key", "ew", "gate_real", "gate_tr", "gate_mm", "gate_hd"};
  t.destination = {"ins_c", "prod", "at", "prod_mm"};
  for (const auto& [f, rows] : used_functions(g)) {
    t.selectors.push_back(function_row("sel", f));
    t.operands.push_back(function_row("gate", f));
    t.destination.push_back(function_row("fv", f));
  }
  if (g.hadamard)
    for (int i = 0; i < g.rows; ++i) t.destination.push_back("had" + std::to_string(i));
  return t;
}

// Layer 4: the product heads, the hadamard heads (one per row), the function heads (m R
// per function), and the gated result of the selected family.
LayerSpec products_layer(const Layout& layout, const Geometry& g, const FleqConstants& c, const std::vector<std::string>& operand_clears) {
  using namespace blocks;
  const ProductPlan product{"fleq_product", "key", "opb", "slot", "prod", c.product_scale_log2, 1};
  const TransposePlan transpose{"fleq_transpose", "key", "onehot_q", "slot", "at", c.transpose_scale_log2, 1};
  const MatmulPlan matmul{"fleq_matmul", "slot", "opb", "key", "prod_mm", c.matmul_scale_log2, 1};
  std::vector<LayerSpec> products = {fleq_product(layout, product), fleq_transpose(layout, transpose), fleq_matmul(layout, matmul),
                                     result_layer(layout, g, c), clear(layout, "clear_operands", operand_clears)};
  // The elementwise functions: m R heads each at lambda = 1, on the operand A (opa).
  for (const auto& [f, rows] : used_functions(g))
    products.push_back(fleq_function(layout, {"fleq_" + std::string(fq::function_name(f)), "opa", "is_work", "anchor", function_row("fv", f),
                                              c.functions[static_cast<std::size_t>(f)]->sum}));
  std::vector<std::string> hadamard_rows;
  if (g.hadamard)
    for (int i = 0; i < g.rows; ++i) {
      // One pair per query column: its key A_ij e_j meets the query B_ij e_j only there, so
      // column j sees fleq_product with p = 1 and the score A_ij B_ij / C.
      const std::string s = std::to_string(i);
      products.push_back(fleq_product(layout, {"fleq_hadamard" + s, "had_key" + s, "had_query" + s, "sign", "had" + s, c.hadamard_scale_log2, 1}));
      hadamard_rows.insert(hadamard_rows.end(), {"had_key" + s, "had_query" + s});
    }
  if (!hadamard_rows.empty()) products.push_back(clear(layout, "clear_hadamard", hadamard_rows));
  return merged(layout, "products", products);
}

}  // namespace

LoopSpec fleq_loop(const Layout& layout, const Geometry& g, const FleqConstants& c) {
  using namespace blocks;
  LoopSpec loop;
  loop.d = layout.rows();
  const ReadPlan fetch{"fetch", "pc",
                       {{"cmd_a", "ins_a"}, {"cmd_b", "ins_b"}, {"cmd_c", "ins_c"}, {"cmd_f", "ins_f"}, {"cmd_p", "ins_p"},
                        {"cmd_add", "ins_add"}, {"cmd_sub", "ins_sub"}, {"cmd_copy", "ins_copy"}, {"cmd_keya", "ins_keya"},
                        {"cmd_scale", "ins_scale"}, {"cmd_matmul", "ins_matmul"}, {"cmd_transpose", "ins_transpose"}, {"cmd_hadamard", "ins_hadamard"}, {"cmd_a", "ins_s"}, {"cmd_w", "ins_w"},
                        {"cmd_rows", "ins_rows"}, {"cmd_cols", "ins_cols"}}};
  ReadPlan fetch_all = fetch;
  for (const auto& [f, rows] : used_functions(g)) fetch_all.copies.push_back({function_row("cmd", f), function_row("ins", f)});
  loop.layers.push_back(merged(layout, "fetch", {read(layout, fetch_all, c.controller), correct(layout, {"correct_pc", {"pc"}}, c.controller)}));
  loop.layers.push_back(merged(layout, "decode", {decode_layer(layout, g)}));
  const Temporaries t = temporaries(g);
  loop.layers.push_back(merged(layout, "operands",
                               {fleq_read(layout, data_read("read_a", "ins_a", "opa", c)), fleq_read(layout, data_read("read_b", "ins_b", "opb", c)),
                                fleq_read(layout, data_read("read_s", "ins_s", "sv", c)), product_keys(layout, g, c),
                                fleq_elementwise(layout, {"fleq_elementwise", "opa", "opb", "ew", "sel_add", "sel_sub", "sel_copy", c.select_gate}),
                                gates(layout, g), clear(layout, "clear_selectors", t.selectors)}));
  loop.layers.push_back(products_layer(layout, g, c, t.operands));
  const FleqWritePlan write{"fleq_write", "ins_c", "res", "val", "wbuf", "whit", "write_on", "pos", "is_mem", c.write_lambda, c.write_gate};
  loop.layers.push_back(merged(layout, "write", {fleq_write(layout, write), increment(layout, {"increment", "pc", "next", "is_work"}),
                                                 clear(layout, "clear_destination", t.destination)}));
  // The flag is read before the .int cells are snapped in place (fleq_flag is flat within
  // 1/4 of an integer, so the written value's leak does not matter).
  loop.layers.push_back(merged(layout, "flag", {fleq_read(layout, data_read("read_flag", "ins_f", "fq", c)),
                                                fleq_flag(layout, {"fleq_flag", "fq", "is_work", "flag", c.flag_gate}),
                                                fleq_int_snap(layout, {"fleq_int_snap", "val", "is_int", c.int_bound, c.snap_gate}),
                                                clear(layout, "clear_result", {"res", "write_on", "ins_f"})}));
  loop.layers.push_back(merged(layout, "branch", {branch(layout, {"branch", "flag", "ins_p", "next", "pc"}), clear(layout, "clear_branch", {"ins_p", "next", "flag", "fq"})}));
  return loop;
}

LoopShape loop_shape(const LoopSpec& loop) {
  LoopShape s;
  s.layers = static_cast<int>(loop.layers.size());
  s.heads = loop.head_count();
  s.max_heads_per_layer = loop.max_heads_per_layer();
  s.hidden_units = loop.hidden_units();
  for (const auto& l : loop.layers) {
    s.layer_names.push_back(l.name);
    s.heads_per_layer.push_back(static_cast<int>(l.heads.size()));
    s.hidden_per_layer.push_back(l.ffn.hidden);
  }
  return s;
}

}  // namespace loopcert::compile::fleq
