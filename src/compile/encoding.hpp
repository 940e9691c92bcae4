// The punchcard's encodings (DESIGN.md section 5): bits are +1 / -1; integers are N-bit
// two's complement, most significant bit first; column i's positional code is the L-bit
// binary code of i, MSB first. Decoding never rounds silently: an entry is a bit only
// within the tolerance of +1 or -1, otherwise the position of the first bad entry is
// reported.
#pragma once
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace loopcert::compile {

// Positional code of column i: L bits, MSB first, +1 for a 1 bit and -1 for a 0 bit.
std::vector<int> position_code(int column, int bits);
// N-bit two's complement, MSB first, as +-1.
std::vector<int> integer_bits(std::int64_t value, int bits);

struct DecodedBits {
  std::uint64_t unsigned_value = 0;  // the bits read MSB first
  std::optional<int> invalid;        // index of the first entry not within tolerance of +-1
};

// Reads +-1 entries (MSB first) within `tolerance`.
template <class Entries>
DecodedBits decode_bits(const Entries& entries, int bits, double tolerance) {
  DecodedBits out;
  for (int k = 0; k < bits; ++k) {
    const double v = static_cast<double>(entries[k]);
    int bit = 0;
    if (std::abs(v - 1) <= tolerance) bit = 1;
    else if (!(std::abs(v + 1) <= tolerance) && !out.invalid) out.invalid = k;
    out.unsigned_value = (out.unsigned_value << 1) | static_cast<std::uint64_t>(bit);
  }
  return out;
}

// The N-bit two's complement value of an unsigned bit pattern.
inline std::int64_t to_signed(std::uint64_t u, int bits) {
  if (bits < 64 && ((u >> (bits - 1)) & 1ULL)) return static_cast<std::int64_t>(u | (~0ULL << bits));
  return static_cast<std::int64_t>(u);
}

}  // namespace loopcert::compile
