// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include <Eigen/Core>

#include "tf/kernels/emulated.hpp"

// The evaluator's y += a x, vectorised, and its dot product without zero terms for the emulated formats (bit for bit the scalar
// operations; tf/kernels/emulated.hpp). Declared before the evaluator's templates
// so that its qualified calls detail::axpy(...) pick this more specialised overload.
namespace loopcert::detail {
template <const FormatSpec& F>
inline void axpy(const Emulated<F>& a, const Emulated<F>* x, Emulated<F>* y, Eigen::Index n) {
  kernels::axpy(a, x, y, n);
}
template <const FormatSpec& F>
inline Emulated<F> dot(const Emulated<F>* a, const Emulated<F>* b, Eigen::Index n) {
  return kernels::dot_skip_zeros(a, b, n);
}
}  // namespace loopcert::detail

// The softmax of a row, vectorised and with its exps cached (bit for bit the plain one);
// after the overloads above, so that the plain kernels it includes see them.
#include "tf/kernels/emulated_softmax.hpp"
#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_FOR_EMULATED_SCALARS(LOOPCERT_INSTANTIATE_TRANSFORMER)
}  // namespace loopcert
