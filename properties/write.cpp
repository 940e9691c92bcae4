// Lemma `write`: the addressed memory column takes the work column's value through the half-and-half attention tie and the ReLU gate. Bound: bounds::write_output; every other cell exactly unchanged (proofs/write.md).
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("write")

TEST_CASE("write: negative check, a temperature far below the bound is caught", "[property][negative][write]") {
  loopcert::properties::lemma_catches("write", loopcert::analysis::Sabotage::LowTemperature);
}
