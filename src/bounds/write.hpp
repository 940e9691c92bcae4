// Bounds of the write lemma (blocks/write.hpp, proofs/write.md, properties/write.cpp).
#pragma once
#include "bounds/common.hpp"

namespace loopcert::bounds {

// write: error of the written cell, for pointer / source / memory entries within delta,
// gate constant C. Other cells are unchanged exactly when write_gate_closes holds.
// Rounded up (the (rho - 1) / (2 (1 + rho)) term in expm1 form: it does not vanish for
// lambda L delta below 2^-53); write_gate_closes is true only when the condition
// certainly holds.
double write_hit_deviation(int n, int L, double lambda, double delta);
bool write_gate_closes(int L, double lambda, double delta, double C);
double write_output(int n, int L, double lambda, double delta, double C);
// The same with the addressed column's weight computed exactly (proofs/write.md, Lemma 2):
// eta = (1/2) tanh((lambda L delta + log1p Q) / 2), Q the other columns' weight relative
// to the target's, counted by Hamming distance; never above write_output. The one the
// loop theorem and the default temperature use.
double write_hit_deviation_tight(int n, int L, double lambda, double delta);
double write_output_tight(int n, int L, double lambda, double delta, double C);
// The same with the noise of the pointer (W1), the source (W2) and the old memory entries
// (W3) apart: the hit weight depends on the pointer's only, the written value on the
// source's, and the closed gate on the source's and the memory's.
double write_output_tight(int n, int L, double lambda, double pointer, double source, double memory, double C);

}  // namespace loopcert::bounds
