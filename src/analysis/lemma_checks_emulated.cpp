// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/lemma_checks/evaluate.hpp"
#include "tf/instantiate.hpp"

namespace loopcert::analysis::lemma_checks {
#define LOOPCERT_INSTANTIATE(T) template LemmaTrial evaluate<T>(const Case&, AttentionMode);
LOOPCERT_FOR_EMULATED_SCALARS(LOOPCERT_INSTANTIATE)
#undef LOOPCERT_INSTANTIATE
}  // namespace loopcert::analysis::lemma_checks
