#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
#define LOOPCERT_INSTANTIATE(T)                                                         \
  template class LoopedTransformer<T>;                                                  \
  template LoopedTransformer<T> instantiate<T>(const LoopSpec&, AttentionMode);         \
  template Layer<T> instantiate_layer<T>(const LayerSpec&);                             \
  template Matrix<T> to_scalar<T>(const Matrix<Rational>&);
LOOPCERT_FOR_BUILTIN_SCALARS(LOOPCERT_INSTANTIATE)
}  // namespace loopcert
