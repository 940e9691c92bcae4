// Lemma `flag`: flag = [x <= 0] from N bits. Bound: bounds::flag_output = N delta (proofs/flag.md).
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("flag")
