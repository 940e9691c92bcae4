#include <boost/multiprecision/eigen.hpp>

#include "tf/transformer_impl.hpp"

namespace loopcert {
template class LoopedTransformer<Float128>;
template LoopedTransformer<Float128> instantiate<Float128>(const LoopSpec&, AttentionMode);
template Layer<Float128> instantiate_layer<Float128>(const LayerSpec&);
template Matrix<Float128> to_scalar<Float128>(const Matrix<Rational>&);
}  // namespace loopcert
