#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_FOR_BUILTIN_SCALARS(LOOPCERT_INSTANTIATE_TRANSFORMER)
}  // namespace loopcert
