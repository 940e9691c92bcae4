// A cell's value in the exact FLEQ machine: a matrix of exact rationals, row-major.
// Function results (MPFR) are binary fractions, held here exactly.
#pragma once
#include <vector>

#include "core/rational.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::isa::fleq {

struct Matrix {
  Shape shape{0, 0};
  std::vector<Rational> entries;  // shape.size() of them

  Matrix() = default;
  explicit Matrix(Shape s) : shape(s), entries(static_cast<std::size_t>(s.size()), Rational(0)) {}
  Matrix(Shape s, std::vector<Rational> values) : shape(s), entries(std::move(values)) {}

  Rational& at(int row, int col) { return entries[static_cast<std::size_t>(row * shape.cols + col)]; }
  const Rational& at(int row, int col) const { return entries[static_cast<std::size_t>(row * shape.cols + col)]; }
  bool operator==(const Matrix&) const = default;
};

}  // namespace loopcert::isa::fleq
