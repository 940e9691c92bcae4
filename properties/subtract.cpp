// Lemma `subtract`: diff = b - a (mod 2^N) by b + not a + 1 in the threshold adder. Bound: bounds::subtract_output = 2^(N+1) delta (proofs/subtract.md).
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("subtract")
