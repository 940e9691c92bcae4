#include "isa/fleq/functions.hpp"

#include <mpfr.h>

#include <stdexcept>

namespace loopcert::isa::fleq {
namespace {

// An mpfr_t with its own precision, freed on scope exit.
struct MpfrValue {
  mpfr_t v;
  explicit MpfrValue(int bits) { mpfr_init2(v, bits); }
  ~MpfrValue() { mpfr_clear(v); }
  MpfrValue(const MpfrValue&) = delete;
  MpfrValue& operator=(const MpfrValue&) = delete;
};

Rational to_rational(const MpfrValue& x) {
  Rational q;
  mpfr_get_q(q.backend().data(), x.v);
  return q;
}

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
  MpfrValue v(bits);
  mpfr_set_q(v.v, x.backend().data(), MPFR_RNDN);
  return to_rational(v);
}

Rational ideal_function(Function function, const Rational& x, int bits) {
  const int work = bits + 64;
  MpfrValue in(work), out(work), result(bits);
  mpfr_set_q(in.v, x.backend().data(), MPFR_RNDN);
  switch (function) {
    case Function::sigmoid:  // 1 / (1 + e^-x)
      mpfr_neg(out.v, in.v, MPFR_RNDN);
      mpfr_exp(out.v, out.v, MPFR_RNDN);
      mpfr_add_ui(out.v, out.v, 1, MPFR_RNDN);
      mpfr_ui_div(out.v, 1, out.v, MPFR_RNDN);
      break;
    case Function::exp: mpfr_exp(out.v, in.v, MPFR_RNDN); break;
    case Function::recip: mpfr_ui_div(out.v, 1, in.v, MPFR_RNDN); break;
    case Function::sqrt: mpfr_sqrt(out.v, in.v, MPFR_RNDN); break;
    case Function::rsqrt: mpfr_rec_sqrt(out.v, in.v, MPFR_RNDN); break;
  }
  if (!mpfr_number_p(out.v)) throw std::domain_error(std::string(function_name(function)) + " of " + to_string(x));
  mpfr_set(result.v, out.v, MPFR_RNDN);
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
