#include "tf/transformer_impl.hpp"

namespace loopcert {
template class LoopedTransformer<MpfrReal>;
template LoopedTransformer<MpfrReal> instantiate<MpfrReal>(const LoopSpec&, AttentionMode);
template Layer<MpfrReal> instantiate_layer<MpfrReal>(const LayerSpec&);
template Matrix<MpfrReal> to_scalar<MpfrReal>(const Matrix<Rational>&);
}  // namespace loopcert
