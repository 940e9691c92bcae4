// Bounds of the read lemma (blocks/read.hpp, proofs/read.md, properties/read.cpp).
#pragma once
#include "bounds/common.hpp"
#include "bounds/ffn_sums.hpp"

namespace loopcert::bounds {

// The read's gate constant C_g as blocks/read.hpp builds it.
inline constexpr double kReadGate = 4;

// read, attention part: distance of the copied entry from its ideal bit, for pointers
// and source bits within delta, n columns, L address bits. (proofs/read.md, Lemma 2)
// Rounded up; +infinity unless L delta < 1.
double read_attention(int n, int L, double lambda, double delta);
// read, attention part with the leak counted by Hamming distance (proofs/read.md, Lemma
// 2'): delta + 2 Q / (1 + Q), at most C(L, k) columns at distance k, each at gap
// 2 k (1 - delta). Never above read_attention; the one the loop theorem and the default
// temperature use. Rounded up; +infinity unless delta < 1.
double read_attention_tight(int n, int L, double lambda, double delta);
// The same for a pointer within `pointer` of its code and sources within `source` of their
// bits (the gaps shrink with the pointer's noise only; the source's adds once).
double read_attention_tight(int n, int L, double lambda, double pointer, double source);
// read, after the snap: 0 when the attention error is at most e (the snap is exact there)
// and the gate constant closes the snap off the work column, C_g >= 2 - e + delta
// (proofs/read.md, Lemma 3); else +infinity. The attention error is read_attention_tight. The five-argument form is for C_g = kReadGate.
double read_output(int n, int L, double lambda, double delta, double e, double C_g);
double read_output(int n, int L, double lambda, double delta, double e);

// The snap's rounding (proofs/read.md, "Rounding"): on the work column (is_work = 1), with each
// copy (rows `copies`, the destinations after the attention) within delta of +-1, the snapped
// row is within this of the exact snap of the same copy (ffn_sums_rounding on the box
// [-1 - delta, 1 + delta]); off the work column it is exactly 0 (Lemma 3). Rounded up.
inline double snap_rounding(const LayerSpec& layer, const std::vector<int>& copies, int indicator, double delta, double u) {
  InputBox box;
  const double top = add_up(1, delta);
  for (int r : copies) box.set(r, -top, top);
  box.set_point(indicator, 1);
  return max_of(ffn_sums_rounding(layer, copies, box, u));
}

}  // namespace loopcert::bounds
