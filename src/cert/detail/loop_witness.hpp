// The loop certificate's search for a witness (cert/loop_certificate.hpp): when the
// certificate does not close, random valid states (the program's own command table and
// random tables of its layout) are run at the target scalar, and the first whose loop
// decodes to anything but the machine's successor is a witness: the verdict is refuted.
#pragma once
#include <optional>
#include <string>

#include "cert/loop_certificate.hpp"

namespace loopcert::cert::detail {

struct FoundWitness {
  Witness witness;
  std::string program;  // the command table it ran on, one "a b c" per command (cells and commands by index)
};

std::optional<FoundWitness> search_witness(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled, const LoopOptions& options);

}  // namespace loopcert::cert::detail
