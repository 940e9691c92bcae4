// libFuzzer target: the official CSV pair and the --layout flag. The input is split at
// the first NUL byte into the commands file and the memory file (a second NUL starts
// the layout text); refusals must be InputErrors.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/input_error.hpp"
#include "isa/subleq/official_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  const auto first = all.find('\0');
  const std::string cmds = all.substr(0, first);
  std::string mem, layout_text = "2,10,23,15";
  if (first != std::string::npos) {
    mem = all.substr(first + 1);
    const auto second = mem.find('\0');
    if (second != std::string::npos) {
      layout_text = mem.substr(second + 1);
      mem.resize(second);
    }
  }
  try {
    const auto layout = loopcert::isa::parse_layout(layout_text);
    const auto p = loopcert::isa::parse_official_csv(cmds, "cmds.csv", mem, "mem.csv", layout);
    for (const auto& c : p.commands)
      if (c.a < 0 || c.a >= p.cells() || c.b < 0 || c.b >= p.cells() || c.c < 0 || c.c >= p.command_count()) std::abort();
  } catch (const loopcert::InputError&) {
  }
  return 0;
}
