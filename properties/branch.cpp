// Lemma `branch`: pc <- flag ? c : pc + 1, the ReLU multiplexer. Bound: bounds::branch_output = delta + 2 delta_flag (proofs/branch.md).
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("branch")
