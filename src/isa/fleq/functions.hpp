// The function of every FLEQ operation, as a table the machine calls through: the ideal
// table (exact rationals; MPFR for the transcendental functions), and the hook for the
// block-exact machine (FLEQ.md section 3), which replaces entries by each block's own
// exact-arithmetic function (a sigmoid sum for 1/x, the linearised-softmax product, ...).
#pragma once
#include <array>
#include <functional>

#include "isa/fleq/matrix.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq {

// mem[c] = f(mem[a], mem[b]); `b` is an empty Matrix for one-operand operations.
// Shapes are valid (the assembler checked them); the machine re-checks the result's.
using OpFunction = std::function<Matrix(const Matrix& a, const Matrix& b)>;

// One entry per Op (none and halt unused).
struct OpTable {
  std::array<OpFunction, kOpCount> functions;
  OpFunction& operator[](Op op) { return functions[static_cast<std::size_t>(op)]; }
  const OpFunction& operator[](Op op) const { return functions[static_cast<std::size_t>(op)]; }
};

// The least precision the ideal machine accepts for its functions (FLEQ.md section 3).
inline constexpr int kMinFunctionBits = 256;

// The ideal table: add .. transpose exact; sigmoid, exp, recip, sqrt, rsqrt evaluated by
// MPFR at function_bits + 64 bits from the exact argument, then rounded to nearest at
// function_bits (so within one ulp at function_bits; correctly rounded unless the value
// lies within 2^-64 ulp of a rounding boundary). function_bits >= kMinFunctionBits.
OpTable ideal_ops(int function_bits = kMinFunctionBits);

// An elementwise operation from a scalar function, for block-exact tables.
OpFunction elementwise(std::function<Rational(const Rational&)> f);

// The ideal scalar function of `function` at `bits` (as used by ideal_ops). recip of 0
// and sqrt / rsqrt of negatives are the caller's to exclude (the machine checks ranges).
Rational ideal_function(Function function, const Rational& x, int bits);

// x rounded to nearest at `bits` significant bits (an exact binary fraction).
Rational round_to_bits(const Rational& x, int bits);

}  // namespace loopcert::isa::fleq
