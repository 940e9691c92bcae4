#include "compile/encoding.hpp"

namespace loopcert::compile {

std::vector<int> position_code(int column, int bits) {
  std::vector<int> code(bits);
  for (int k = 0; k < bits; ++k) code[k] = ((column >> (bits - 1 - k)) & 1) ? 1 : -1;
  return code;
}

std::vector<int> integer_bits(std::int64_t value, int bits) {
  const auto u = static_cast<std::uint64_t>(value);
  std::vector<int> out(bits);
  for (int k = 0; k < bits; ++k) out[k] = ((u >> (bits - 1 - k)) & 1ULL) ? 1 : -1;
  return out;
}

}  // namespace loopcert::compile
