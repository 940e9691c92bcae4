// Lemma `increment`: next = pc + 1 by the one-layer threshold adder. Bound: bounds::increment_output = 2^L delta (proofs/increment.md).
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("increment")
