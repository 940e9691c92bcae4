// The README's lemma table (section "The seven lemmas"), generated between the markers
// <!-- BEGIN lemma-table --> ... by `loopcert report readme`: for every lemma, its bound
// function and, over `trials` random and `trials` worst-case inputs (the generators of
// analysis/lemma_checks, seeds 1..trials, double), the trial with the largest observed /
// bound ratio. Seeded, so the whole table is deterministic and `report readme --check`
// compares it verbatim.
#pragma once
#include <string>

namespace loopcert::report {

std::string lemma_table(int trials);

}  // namespace loopcert::report
