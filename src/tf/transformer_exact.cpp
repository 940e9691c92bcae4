#include "tf/transformer_impl.hpp"

namespace loopcert {
template class LoopedTransformer<Rational>;
template LoopedTransformer<Rational> instantiate<Rational>(const LoopSpec&, AttentionMode);
template Layer<Rational> instantiate_layer<Rational>(const LayerSpec&);
template Matrix<Rational> to_scalar<Rational>(const Matrix<Rational>&);
}  // namespace loopcert
