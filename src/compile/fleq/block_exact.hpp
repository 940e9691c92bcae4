// The block-exact FLEQ machine's operation table (FLEQ.md section 3, issue 11): the ideal
// table with every elementwise function the program uses replaced by its block's own
// function, the sum of sigmoids g = c0 + sum_j c_j sigma(a_j x + b_j) of
// compile/fleq/functions.hpp with its exact weights, evaluated from the exact argument.
// Run the exact machine with it (MachineOptions::table) and
//   ideal vs block-exact       = the functions' approximation error (the fit),
//   block-exact vs transformer = leak and rounding (and the products' linearisation,
//                                whose entries are not replaced here).
#pragma once
#include "compile/fleq/constants.hpp"
#include "isa/fleq/functions.hpp"

namespace loopcert::compile::fleq {

// g(x) by MPFR at bits + 64 bits, rounded to nearest at `bits` (as ideal_ops does for the
// ideal functions): within one ulp at `bits` of the exact sum.
Rational evaluate_sum(const approx::SigmoidSum& sum, const Rational& x, int bits);

// ideal_ops(bits) with the functions of constants.functions replaced; bits >= 256.
isa::fleq::OpTable block_exact_ops(const FleqConstants& constants, int bits = isa::fleq::kMinFunctionBits);

}  // namespace loopcert::compile::fleq
