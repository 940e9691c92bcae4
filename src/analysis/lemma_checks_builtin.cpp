#include "analysis/lemma_checks/evaluate.hpp"

namespace loopcert::analysis::lemma_checks {
template LemmaTrial evaluate<float>(const Case&, AttentionMode);
template LemmaTrial evaluate<double>(const Case&, AttentionMode);
template LemmaTrial evaluate<long double>(const Case&, AttentionMode);
}  // namespace loopcert::analysis::lemma_checks
