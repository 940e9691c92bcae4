#include <boost/multiprecision/eigen.hpp>

#include "analysis/lemma_checks/evaluate.hpp"

namespace loopcert::analysis::lemma_checks {
template LemmaTrial evaluate<Float128>(const Case&, AttentionMode);
}  // namespace loopcert::analysis::lemma_checks
