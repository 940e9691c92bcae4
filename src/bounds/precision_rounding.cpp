// The loop budget's rounding parts counted lemma by lemma (proofs/precision.md, the table):
// each row the loop's ReLU sublayers write is bounded by its own lemma's rounding, on the
// inputs the budget's conditions guarantee at the steady state.
#include <algorithm>
#include <initializer_list>
#include <set>
#include <stdexcept>

#include "bounds/correct.hpp"
#include "bounds/increment.hpp"
#include "bounds/precision.hpp"
#include "bounds/read.hpp"
#include "bounds/rounding.hpp"
#include "bounds/subtract.hpp"

namespace loopcert::bounds {

namespace {

std::vector<int> rows_of(const Layout& layout, std::initializer_list<const char*> blocks) {
  std::vector<int> out;
  for (const char* name : blocks) {
    const RowBlock& b = layout.block(name);
    for (int i = 0; i < b.size; ++i) out.push_back(b.row(i));
  }
  return out;
}

const LayerSpec& layer_named(const LoopSpec& loop, const std::string& name) {
  for (const auto& l : loop.layers)
    if (l.name == name) return l;
  throw std::invalid_argument("loop_rounding: the loop has no layer '" + name + "' (not the SUBLEQ loop of compile_subleq)");
}

// Every row the layer's ReLU sublayer writes is bounded (`bounded`) or a temporary cleared
// exactly (`cleared`: proofs/README.md, "Clear units"); else the budget would miss a row.
void check_covered(const LayerSpec& layer, const Layout& layout, const std::vector<int>& bounded, const std::vector<int>& cleared) {
  std::set<int> known(bounded.begin(), bounded.end());
  known.insert(cleared.begin(), cleared.end());
  std::set<int> written;
  for (const auto& e : layer.ffn.w2.entries) written.insert(e.row);
  for (const auto& [row, b] : layer.ffn.b2) written.insert(row);
  for (int row : written)
    if (!known.count(row))
      throw std::logic_error("loop_rounding: layer '" + layer.name + "' writes " + layout.describe_row(row) + ", which no rounding bound covers");
}

}  // namespace

LoopRounding loop_rounding(const LoopSpec& loop, const Layout& layout, double u, const LoopConstants& k) {
  LoopRounding r = loop_rounding(loop, u);  // weights, ranges and the write layer's ffn_rounding
  r.lemma_specific = true;
  r.constants = k;
  const int ind = layout.row("is_work");
  const std::vector<int> ins = rows_of(layout, {"ins_a", "ins_b", "ins_c"}), pc = rows_of(layout, {"pc"}),
                         vals = rows_of(layout, {"val_a", "val_b"}), diff = rows_of(layout, {"diff"}), next = rows_of(layout, {"next"}),
                         mem = rows_of(layout, {"mem"});
  const LayerSpec &fetch = layer_named(loop, "fetch"), &operands = layer_named(loop, "operands"),
                  &arithmetic = layer_named(loop, "arithmetic"), &branch = layer_named(loop, "branch");
  // 1. the fetch's copies within e_s (C3), pc within e (C2).
  check_covered(fetch, layout, rows_of(layout, {"ins_a", "ins_b", "ins_c", "pc"}), {});
  r.fetch = std::max(snap_rounding(fetch, ins, ind, k.snap, u), correct_rounding(fetch, pc, k.threshold, u));
  // 2. the operands' copies within e_s (C3); ins_a cleared.
  check_covered(operands, layout, vals, rows_of(layout, {"ins_a"}));
  r.operands = snap_rounding(operands, vals, ind, k.snap, u);
  // 3. the adders on the snapped operands (epsilon_o) and the corrected pc (epsilon_s).
  check_covered(arithmetic, layout, rows_of(layout, {"diff", "next"}), vals);
  const std::vector<double> bits = subtract_rounding_rows(arithmetic, diff, vals, ind, r.operands, u);
  r.arithmetic = max_of(bits);
  r.arithmetic_total = sum_up(bits);
  r.next = increment_rounding(arithmetic, next, pc, ind, r.fetch, u);
  // 5. pc by the branch's generic count; memory within e (C2, C4) through correct(mem).
  check_covered(branch, layout, rows_of(layout, {"pc", "mem"}), rows_of(layout, {"ins_c", "next", "flag"}));
  r.branch = ffn_rounding(branch, u, 2, pc);
  r.memory = correct_rounding(branch, mem, k.threshold, u);
  return r;
}

}  // namespace loopcert::bounds
