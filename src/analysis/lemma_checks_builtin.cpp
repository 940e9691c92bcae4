#include "analysis/lemma_checks_impl.hpp"

namespace loopcert::analysis {
template LemmaTrial run_lemma_trial_t<float>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
template LemmaTrial run_lemma_trial_t<double>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
template LemmaTrial run_lemma_trial_t<long double>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
}  // namespace loopcert::analysis
