#include <boost/multiprecision/eigen.hpp>

#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_INSTANTIATE_TRANSFORMER(Float128)
}  // namespace loopcert
