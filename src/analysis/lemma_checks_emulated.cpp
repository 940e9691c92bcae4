// First: core/emulated_float.hpp must precede core/rational.hpp (see core/scalar.hpp).
#include "core/emulated_float.hpp"
// Then the rest.
#include "analysis/lemma_checks_impl.hpp"
#include "tf/instantiate.hpp"

namespace loopcert::analysis {
#define LOOPCERT_INSTANTIATE(T) \
  template LemmaTrial run_lemma_trial_t<T>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
LOOPCERT_FOR_EMULATED_SCALARS(LOOPCERT_INSTANTIATE)
#undef LOOPCERT_INSTANTIATE

LemmaTrial run_lemma_trial_emulated(const std::string& lemma, const ScalarSpec& scalar, std::uint64_t seed, const LemmaSettings& settings) {
  const AttentionMode mode = AttentionMode::Softmax;
  switch (scalar.kind) {
    case ScalarKind::Bf16: return run_lemma_trial_t<bf16>(lemma, scalar, seed, settings, mode);
    case ScalarKind::Fp16: return run_lemma_trial_t<fp16>(lemma, scalar, seed, settings, mode);
    case ScalarKind::Tf32: return run_lemma_trial_t<tf32>(lemma, scalar, seed, settings, mode);
    case ScalarKind::Fp8e4m3: return run_lemma_trial_t<fp8e4m3>(lemma, scalar, seed, settings, mode);
    case ScalarKind::Fp8e5m2: return run_lemma_trial_t<fp8e5m2>(lemma, scalar, seed, settings, mode);
    default: throw std::invalid_argument("scalar '" + scalar.name() + "' is not an emulated format");
  }
}
}  // namespace loopcert::analysis
