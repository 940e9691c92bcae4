#include "isa/fleq/functions.hpp"

#include <stdexcept>

#include "core/mpfr_rational.hpp"
#include "core/mpfr_real.hpp"

namespace loopcert::isa::fleq {
namespace {

Rational to_rational(const MpfrReal& x) { return exact_rational(x.raw()); }

Matrix add_or_sub(const Matrix& a, const Matrix& b, bool subtract) {
  Matrix c(a.shape);
  for (std::size_t i = 0; i < c.entries.size(); ++i) {
    c.entries[i] = subtract ? Rational(a.entries[i] - b.entries[i]) : Rational(a.entries[i] + b.entries[i]);
  }
  return c;
}

// transposed_a: C = A^T B (tmatmul), else C = A B.
Matrix product(const Matrix& a, const Matrix& b, bool transposed_a) {
  const int rows = transposed_a ? a.shape.cols : a.shape.rows;
  const int inner = transposed_a ? a.shape.rows : a.shape.cols;
  Matrix c(Shape{rows, b.shape.cols});
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < b.shape.cols; ++j) {
      Rational sum = 0;
      for (int t = 0; t < inner; ++t) sum += (transposed_a ? a.at(t, i) : a.at(i, t)) * b.at(t, j);
      c.at(i, j) = sum;
    }
  }
  return c;
}

Matrix transposed(const Matrix& a) {
  Matrix c(Shape{a.shape.cols, a.shape.rows});
  for (int i = 0; i < a.shape.rows; ++i) {
    for (int j = 0; j < a.shape.cols; ++j) c.at(j, i) = a.at(i, j);
  }
  return c;
}

Matrix entrywise(const Matrix& a, const Matrix& b, bool multiply_by_scalar) {
  Matrix c(b.shape);
  for (std::size_t i = 0; i < c.entries.size(); ++i) {
    c.entries[i] = Rational((multiply_by_scalar ? a.entries[0] : a.entries[i]) * b.entries[i]);
  }
  return c;
}

}  // namespace

Rational round_to_bits(const Rational& x, int bits) {
  const MpfrPrecisionScope precision(bits);
  return to_rational(MpfrReal(x));
}

// Evaluated at bits + 64 from the exact argument, then rounded once to `bits`.
Rational ideal_function(Function function, const Rational& x, int bits) {
  const MpfrPrecisionScope precision(bits);
  MpfrReal result;  // `bits` wide: assignment rounds into it
  {
    const MpfrPrecisionScope work(bits + 64);
    const MpfrReal in(x);
    MpfrReal out;
    switch (function) {
      case Function::sigmoid: out = MpfrReal(1) / (MpfrReal(1) + exp(-in)); break;
      case Function::exp: out = exp(in); break;
      case Function::recip: out = MpfrReal(1) / in; break;
      case Function::sqrt: out = sqrt(in); break;
      case Function::rsqrt: mpfr_rec_sqrt(out.raw(), in.raw(), MPFR_RNDN); break;
    }
    if (!isfinite(out)) throw std::domain_error(std::string(function_name(function)) + " of " + to_string(x));
    result = out;
  }
  return to_rational(result);
}

OpFunction elementwise(std::function<Rational(const Rational&)> f) {
  return [f = std::move(f)](const Matrix& a, const Matrix&) {
    Matrix c(a.shape);
    for (std::size_t i = 0; i < c.entries.size(); ++i) c.entries[i] = f(a.entries[i]);
    return c;
  };
}

OpTable ideal_ops(int function_bits) {
  if (function_bits < kMinFunctionBits) {
    throw std::invalid_argument("FLEQ function precision " + std::to_string(function_bits) + " is below " +
                                std::to_string(kMinFunctionBits) + " bits");
  }
  OpTable table;
  table[Op::add] = [](const Matrix& a, const Matrix& b) { return add_or_sub(a, b, false); };
  table[Op::sub] = [](const Matrix& a, const Matrix& b) { return add_or_sub(a, b, true); };
  table[Op::matmul] = [](const Matrix& a, const Matrix& b) { return product(a, b, false); };
  table[Op::tmatmul] = [](const Matrix& a, const Matrix& b) { return product(a, b, true); };
  table[Op::scale] = [](const Matrix& a, const Matrix& b) { return entrywise(a, b, true); };
  table[Op::hadamard] = [](const Matrix& a, const Matrix& b) { return entrywise(a, b, false); };
  table[Op::copy] = [](const Matrix& a, const Matrix&) { return a; };
  table[Op::transpose] = [](const Matrix& a, const Matrix&) { return transposed(a); };
  for (int f = 0; f < kFunctionCount; ++f) {
    const auto function = static_cast<Function>(f);
    const Op op = static_cast<Op>(static_cast<int>(Op::sigmoid) + f);
    table[op] = elementwise([function, function_bits](const Rational& x) { return ideal_function(function, x, function_bits); });
  }
  return table;
}

}  // namespace loopcert::isa::fleq
