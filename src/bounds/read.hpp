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
// read, after the snap: 0 when the attention error is at most e (the snap is exact there)
// and the gate constant closes the snap off the work column, C_g >= 2 - e + delta
// (proofs/read.md, Lemma 3); else +infinity. The five-argument form is for C_g = kReadGate.
double read_output(int n, int L, double lambda, double delta, double e, double C_g);
double read_output(int n, int L, double lambda, double delta, double e);

}  // namespace loopcert::bounds
