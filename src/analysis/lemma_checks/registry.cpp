#include "analysis/lemma_checks/lemma_check.hpp"

namespace loopcert::analysis::lemma_checks {

// One line per lemma check file (a static library drops self-registering objects, so
// the list is explicit).
const std::vector<const LemmaCheck*>& registry() {
  static const std::vector<const LemmaCheck*> all{&read_check, &write_check, &increment_check, &subtract_check,
                                                  &flag_check, &branch_check, &correct_check,
                                                  // FLEQ (proofs/fleq_*.md, analysis/lemma_checks/fleq_*.cpp)
                                                  &fleq_read_check, &fleq_write_check, &fleq_product_check, &fleq_matmul_check,
                                                  &fleq_transpose_check, &fleq_elementwise_check, &fleq_int_snap_check, &fleq_flag_check};
  return all;
}

}  // namespace loopcert::analysis::lemma_checks
