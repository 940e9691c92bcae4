// Bounds of the fleq_read lemma (blocks/fleq_read.hpp, proofs/fleq_read.md,
// properties/fleq_read.cpp): the softmax leak of an exact +-1 pointer on data bounded by G.
#pragma once
#include <cmath>

#include "bounds/common.hpp"
#include "bounds/rounding.hpp"

namespace loopcert::bounds {

// Exact arithmetic: |copy - addressed entry| <= 2 G leak(n - 1, lambda, 2).
inline double fleq_read_output(int n, double lambda, double G) { return 2 * G * softmax_leak(n - 1, lambda, 2) * (1 + 0x1p-40); }

// The temperature, in eighths (lambda = eighths / 8, dyadic): the smallest multiple of 1/8
// at or above (1/2) ln(2 n G / eps), so that (n - 1) e^(-2 lambda) 2 G <= eps (n-1)/n.
inline int fleq_read_temperature_eighths(int n, double G, double eps) {
  int eighths = static_cast<int>(std::ceil(4 * std::log(2 * n * G / eps) * (1 + 0x1p-40)));
  if (eighths < 1) eighths = 1;
  while (fleq_read_output(n, eighths / 8.0, G) > eps) ++eighths;  // guards the rounding of log
  return eighths;
}

// The clear's gate constant: any M > G; 2G (a small integer when G is one).
inline double fleq_read_gate(double G) { return 2 * G; }

// Floating-point part: scores are exact (+-1 codes, dyadic lambda), so this is the
// attention rounding of read.md, case A, on values of magnitude <= G; the clear is exact.
inline double fleq_read_rounding(int n, int L, double lambda, double G, double u) {
  return G * rounding_attention(n, L, lambda, u, 0) * (1 + 0x1p-40);
}

}  // namespace loopcert::bounds
