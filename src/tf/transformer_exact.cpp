#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_INSTANTIATE_TRANSFORMER(Rational)
}  // namespace loopcert
