#include "analysis/lemma_checks/lemma_check.hpp"

namespace loopcert::analysis::lemma_checks {

// One line per lemma check file (a static library drops self-registering objects, so
// the list is explicit).
const std::vector<const LemmaCheck*>& registry() {
  static const std::vector<const LemmaCheck*> all{&read_check, &write_check, &increment_check, &subtract_check,
                                                  &flag_check, &branch_check, &correct_check};
  return all;
}

}  // namespace loopcert::analysis::lemma_checks
