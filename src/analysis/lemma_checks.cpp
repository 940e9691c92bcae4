#include "analysis/lemma_checks.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/mpfr_real.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

template <class T>
LemmaTrial run_lemma_trial_t(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
#define LOOPCERT_EXTERN(T) \
  extern template LemmaTrial run_lemma_trial_t<T>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
LOOPCERT_EXTERN(float)
LOOPCERT_EXTERN(double)
LOOPCERT_EXTERN(long double)
LOOPCERT_EXTERN(MpfrReal)
LOOPCERT_EXTERN(Rational)
// float128 and the emulated formats: lemma_checks_float128.cpp, lemma_checks_emulated.cpp.
LemmaTrial run_lemma_trial_float128(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&);
LemmaTrial run_lemma_trial_emulated(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&);

const std::vector<std::string>& lemma_names() {
  static const std::vector<std::string> names{"read", "write", "increment", "subtract", "flag", "branch", "correct"};
  return names;
}

bool is_lemma(const std::string& name) {
  const auto& all = lemma_names();
  return std::find(all.begin(), all.end(), name) != all.end();
}

LemmaTrial run_lemma_trial(const std::string& lemma, const ScalarSpec& scalar, std::uint64_t seed, const LemmaSettings& settings) {
  if (!is_lemma(lemma))
    throw std::invalid_argument("unknown lemma '" + lemma + "' (expected one of read, write, increment, subtract, flag, branch, correct)");
  switch (scalar.kind) {
    case ScalarKind::Float: return run_lemma_trial_t<float>(lemma, scalar, seed, settings, AttentionMode::Softmax);
    case ScalarKind::Double: return run_lemma_trial_t<double>(lemma, scalar, seed, settings, AttentionMode::Softmax);
    case ScalarKind::LongDouble: return run_lemma_trial_t<long double>(lemma, scalar, seed, settings, AttentionMode::Softmax);
    case ScalarKind::Mpfr: {
      MpfrPrecisionScope scope(scalar.precision);
      return run_lemma_trial_t<MpfrReal>(lemma, scalar, seed, settings, AttentionMode::Softmax);
    }
    case ScalarKind::Exact: return run_lemma_trial_t<Rational>(lemma, scalar, seed, settings, AttentionMode::Hardmax);
    case ScalarKind::Float128: return run_lemma_trial_float128(lemma, scalar, seed, settings);
    case ScalarKind::Bf16:
    case ScalarKind::Fp16:
    case ScalarKind::Tf32:
    case ScalarKind::Fp8e4m3:
    case ScalarKind::Fp8e5m2: return run_lemma_trial_emulated(lemma, scalar, seed, settings);
    default: throw std::invalid_argument("scalar '" + scalar.name() + "' is not available for lemma checks yet");
  }
}

}  // namespace loopcert::analysis
