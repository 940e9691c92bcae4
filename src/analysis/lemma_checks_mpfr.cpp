#include "analysis/lemma_checks/evaluate.hpp"
#include "core/narrow_mpfr.hpp"
#include "core/narrow_mpfr_ld.hpp"

namespace loopcert::analysis::lemma_checks {
template LemmaTrial evaluate<MpfrReal>(const Case&, AttentionMode);
// mpfr:P for P <= 63: the exact emulations of MPFR in double and long double.
template LemmaTrial evaluate<NarrowMpfr>(const Case&, AttentionMode);
template LemmaTrial evaluate<NarrowMpfrLD>(const Case&, AttentionMode);
}  // namespace loopcert::analysis::lemma_checks
