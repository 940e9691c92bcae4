#include "analysis/lemma_checks_impl.hpp"

namespace loopcert::analysis {
template LemmaTrial run_lemma_trial_t<MpfrReal>(const std::string&, const ScalarSpec&, std::uint64_t, const LemmaSettings&, AttentionMode);
}  // namespace loopcert::analysis
