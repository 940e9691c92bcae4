#include <boost/multiprecision/eigen.hpp>

#include "analysis/lemma_checks_impl.hpp"

namespace loopcert::analysis {
template LemmaTrial run_lemma_trial_t<Float128>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);

LemmaTrial run_lemma_trial_float128(const std::string& lemma, const ScalarSpec& scalar, std::uint64_t seed, const LemmaSettings& settings) {
  return run_lemma_trial_t<Float128>(lemma, scalar, seed, settings, AttentionMode::Softmax);
}
}  // namespace loopcert::analysis
