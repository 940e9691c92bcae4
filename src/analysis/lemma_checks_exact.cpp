#include "analysis/lemma_checks/evaluate.hpp"

namespace loopcert::analysis::lemma_checks {
template LemmaTrial evaluate<Rational>(const Case&, AttentionMode);
}  // namespace loopcert::analysis::lemma_checks
