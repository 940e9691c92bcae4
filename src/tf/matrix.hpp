// Eigen aliases. The punchcard X is stored row-major: the evaluator works on residual
// rows (one feature across all tokens), so rows are the contiguous direction.
#pragma once
#include <Eigen/Core>

#include "core/mpfr_real.hpp"

namespace loopcert {
template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
}  // namespace loopcert

namespace Eigen {
// Eigen needs these to run its generic (non-vectorised) kernels on MpfrReal.
template <>
struct NumTraits<loopcert::MpfrReal> : GenericNumTraits<loopcert::MpfrReal> {
  using Real = loopcert::MpfrReal;
  using NonInteger = loopcert::MpfrReal;
  using Literal = loopcert::MpfrReal;
  using Nested = loopcert::MpfrReal;
  enum { IsComplex = 0, IsInteger = 0, IsSigned = 1, RequireInitialization = 1, ReadCost = 10, AddCost = 10, MulCost = 20 };
  static inline int digits10() { return static_cast<int>(loopcert::MpfrPrecisionScope::current() * 0.30103); }
  static inline loopcert::MpfrReal epsilon() { return loopcert::MpfrReal(std::ldexp(1.0, 1 - static_cast<int>(loopcert::MpfrPrecisionScope::current()))); }
  static inline loopcert::MpfrReal dummy_precision() { return epsilon() * 1000; }
  static inline loopcert::MpfrReal highest() { return loopcert::MpfrReal(1e300); }
  static inline loopcert::MpfrReal lowest() { return loopcert::MpfrReal(-1e300); }
};
}  // namespace Eigen
