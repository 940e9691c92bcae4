// What the FLEQ lemma checks share (private to analysis/lemma_checks): each builds its
// block alone on a small punchcard of its own (the FLEQ blocks read named rows, not the
// SUBLEQ layout), with real entries within a declared bound G drawn as dyadic numbers
// every scalar from float up holds exactly, so the input is exact at every scalar.
#pragma once
#include <string>
#include <vector>

#include "analysis/lemma_checks/lemma_check.hpp"

namespace loopcert::analysis::lemma_checks {

// Installs `layout` and a zero punchcard into the trial (n, L; N = `rows`, the data rows).
inline void fleq_start(TrialSetup& s, const Layout& layout, int rows) {
  s.layout = layout;
  s.X = Matrix<Rational>::Zero(layout.rows(), layout.columns());
  s.n = layout.columns(), s.L = layout.address_bits(), s.N = rows;
}

// A declared bound: 1, 3, 16 or 192 (as the block properties draw it).
inline int fleq_bound(TrialSetup& s) {
  static const int bounds[] = {1, 3, 16, 192};
  return bounds[s.uniform(0, 3)];
}

// An entry of [-G, G]: G m / 2^20, |m| <= 2^20 (at most 21 significant bits with G).
// Worst case: +-G.
inline Rational fleq_entry(TrialSetup& s, int G, bool worst) {
  if (worst) return Rational(G) * random_side(s);
  return Rational(G) * Rational(s.uniform(-(1 << 20), 1 << 20), 1 << 20);
}

// The +-1 positional code of column j on `block` at column `col`.
inline void fleq_put_code(TrialSetup& s, const std::string& block, int col, int j) {
  const RowBlock& b = s.layout.block(block);
  const auto code = compile::position_code(j, b.size);
  for (int i = 0; i < b.size; ++i) s.X(b.row(i), col) = code[i];
}
// pos: the code of every memory and command column, 0 on the scratchpad.
inline void fleq_put_positions(TrialSetup& s) {
  for (int j = s.layout.memory().begin; j < s.layout.columns(); ++j) fleq_put_code(s, "pos", j, j);
}

// A rows x cols matrix of entries of [-G, G] (fleq_entry), drawn row by row.
inline std::vector<std::vector<Rational>> fleq_matrix(TrialSetup& s, int rows, int cols, int G, bool worst) {
  std::vector<std::vector<Rational>> m(rows, std::vector<Rational>(cols));
  for (auto& row : m)
    for (auto& x : row) x = fleq_entry(s, G, worst);
  return m;
}

// The paired columns of the product heads (fleq_product, fleq_matmul, fleq_transpose):
// slot i owns columns 2i (sign +) and 2i + 1 (sign -), which hold sign * value(r, i) on
// the `count` rows of `block` and sign on row i of `slots`.
template <class Value>
void fleq_put_pairs(TrialSetup& s, const std::string& block, int count, int slot_count, Value&& value) {
  for (int i = 0; i < slot_count; ++i)
    for (int side = 0; side < 2; ++side) {
      const int col = 2 * i + side, sign = side == 0 ? 1 : -1;
      for (int r = 0; r < count; ++r) s.X(s.layout.row(block, r), col) = sign * value(r, i);
      s.X(s.layout.row("slots", i), col) = sign;
    }
}

// The scale C = 2^scale a product head is built at: the chosen one, or (the LowTemperature
// sabotage, "too hot") 2^8 times smaller.
inline int fleq_built_scale(int scale, const Context& c) { return c.settings.sabotage == Sabotage::LowTemperature ? scale - 8 : scale; }

// The broken construction of the negative checks for blocks without a ReLU sublayer
// (the product heads): their first value weight doubled; otherwise `sabotage`.
inline void fleq_sabotage(LayerSpec& spec, Sabotage how) {
  if (how == Sabotage::DoubleFirstOutputWeight && spec.ffn.w2.entries.empty() && !spec.heads.empty() &&
      !spec.heads.front().value.entries.empty())
    spec.heads.front().value.entries.front().value *= 2;
  else
    sabotage(spec, how);
}

// The unit roundoff the products' scale C is chosen for (exact arithmetic has no optimum;
// the compiler uses 2^-200 there, and hardmax claims nothing for the products anyway).
inline double fleq_scale_u(const Context& c) { return c.u > 0 ? c.u : 0x1p-200; }

}  // namespace loopcert::analysis::lemma_checks
