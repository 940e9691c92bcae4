// The transformer at NarrowMpfrLD: MPFR semantics at 53 <= P <= 63 bits computed in x87
// long double (src/core/narrow_mpfr_ld.hpp), used by mpfr:P runs and the searches.
#include "core/emulated_float.hpp"  // (emulated_kernels.hpp needs it; before rational.hpp)
// Then the rest.
#include <Eigen/Core>

#include "tf/kernels/emulated.hpp"
#include "core/narrow_mpfr_ld.hpp"

// y += a x and the dot product without zero terms (see transformer_emulated.cpp for why
// they are declared before the evaluator's templates).
namespace loopcert::detail {
inline void axpy(const NarrowMpfrLD& a, const NarrowMpfrLD* x, NarrowMpfrLD* y, Eigen::Index n) {
  kernels::axpy_skip_zeros(a, x, y, n);
}
inline NarrowMpfrLD dot(const NarrowMpfrLD* a, const NarrowMpfrLD* b, Eigen::Index n) {
  return kernels::dot_skip_zeros(a, b, n);
}
}  // namespace loopcert::detail

#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_INSTANTIATE_TRANSFORMER(NarrowMpfrLD)
}  // namespace loopcert
