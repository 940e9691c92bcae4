// What the FLEQ lemma checks share (private to analysis/lemma_checks): each builds its
// block alone on a small punchcard of its own (the FLEQ blocks read named rows, not the
// SUBLEQ layout), with real entries within a declared bound G drawn as dyadic numbers
// every scalar from float up holds exactly, so the input is exact at every scalar.
#pragma once
#include <string>

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
