// Bounds of the read lemma (blocks/read.hpp, proofs/read.md, properties/read.cpp).
#pragma once
#include "bounds/common.hpp"

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

}  // namespace loopcert::bounds
