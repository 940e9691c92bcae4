// Lemma `read`: one head copies the addressed column into the work column; the ReLU sublayer snaps it to +-1 and clears it elsewhere. Bound: bounds::read_attention (proofs/read.md), exact after the snap.
// Runs at double, mpfr:200 and exact (hardmax); RC_PARAMS sets the number of cases.
#include "lemma_property.hpp"

LOOPCERT_LEMMA_PROPERTIES("read")

TEST_CASE("read: negative check, a temperature far below the bound is caught", "[property][negative][read]") {
  loopcert::properties::lemma_catches("read", loopcert::analysis::Sabotage::LowTemperature);
}
