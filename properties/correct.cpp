// Lemma `correct`: the three-level staircase maps entries within e of -1, 0, 1 to them exactly. Bound: bounds::correct_output (proofs/correct.md).
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("correct")
