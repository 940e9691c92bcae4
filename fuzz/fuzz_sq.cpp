// libFuzzer target: the `.sq` assembler. Any text either assembles into a program whose
// every operand points inside it, or is refused with an InputError; nothing else (no
// other exception, no crash, no sanitizer report) is allowed.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/input_error.hpp"
#include "isa/subleq/assembler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto p = loopcert::isa::assemble_sq(text, "fuzz.sq");
    for (const auto& c : p.commands)
      if (c.a < 0 || c.a >= p.cells() || c.b < 0 || c.b >= p.cells() || c.c < 0 || c.c >= p.command_count()) std::abort();
  } catch (const loopcert::InputError&) {
  }
  return 0;
}
