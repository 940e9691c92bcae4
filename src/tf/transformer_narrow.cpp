// The transformer at NarrowMpfr: MPFR semantics at P <= 52 bits computed in double
// (src/core/narrow_mpfr.hpp), used by mpfr:P runs and the precision searches.
#include "core/emulated_float.hpp"  // (emulated_kernels.hpp needs it; before rational.hpp)
// Then the rest.
#include <Eigen/Core>

#include "tf/kernels/emulated.hpp"
#include "core/narrow_mpfr.hpp"

// y += a x vectorised, bit for bit the scalar NarrowMpfr operations (see
// transformer_emulated.cpp for why it is declared before the evaluator's templates).
namespace loopcert::detail {
inline void axpy(const NarrowMpfr& a, const NarrowMpfr* x, NarrowMpfr* y, Eigen::Index n) {
  kernels::axpy(a, x, y, n);
}
inline NarrowMpfr dot(const NarrowMpfr* a, const NarrowMpfr* b, Eigen::Index n) {
  return kernels::dot_skip_zeros(a, b, n);
}
}  // namespace loopcert::detail

#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_INSTANTIATE_TRANSFORMER(NarrowMpfr)
}  // namespace loopcert
