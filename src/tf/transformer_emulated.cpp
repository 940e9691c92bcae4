// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include <Eigen/Core>

#include "analysis/emulated_kernels.hpp"

// The evaluator's y += a x, vectorised, and its dot product without zero terms for the emulated formats (bit for bit the scalar
// operations; analysis/emulated_kernels.hpp). Declared before the evaluator's templates
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

#include "tf/transformer_impl.hpp"

namespace loopcert {
#define LOOPCERT_INSTANTIATE(T)                                                 \
  template class LoopedTransformer<T>;                                          \
  template LoopedTransformer<T> instantiate<T>(const LoopSpec&, AttentionMode); \
  template Layer<T> instantiate_layer<T>(const LayerSpec&);                     \
  template Matrix<T> to_scalar<T>(const Matrix<Rational>&);
LOOPCERT_INSTANTIATE(bf16)
LOOPCERT_INSTANTIATE(fp16)
LOOPCERT_INSTANTIATE(tf32)
LOOPCERT_INSTANTIATE(fp8e4m3)
LOOPCERT_INSTANTIATE(fp8e5m2)
#undef LOOPCERT_INSTANTIATE
}  // namespace loopcert
