// Encoders and decoders of DESIGN.md section 5.
#include <catch2/catch.hpp>

#include "compile/encoding.hpp"

using namespace loopcert::compile;

TEST_CASE("two's complement round trip for every N-bit value, N = 2..10", "[encoding]") {
  for (int N = 2; N <= 10; ++N)
    for (std::int64_t v = -(std::int64_t{1} << (N - 1)); v < (std::int64_t{1} << (N - 1)); ++v) {
      const auto bits = integer_bits(v, N);
      const auto d = decode_bits(bits, N, 0.25);
      REQUIRE_FALSE(d.invalid);
      REQUIRE(to_signed(d.unsigned_value, N) == v);
    }
  CHECK(integer_bits(-1, 4) == std::vector<int>{1, 1, 1, 1});
  CHECK(integer_bits(5, 4) == std::vector<int>{-1, 1, -1, 1});  // MSB first
  CHECK(to_signed(decode_bits(integer_bits(INT64_MIN, 64), 64, 0.1).unsigned_value, 64) == INT64_MIN);
}

TEST_CASE("positional codes: MSB first, distinct, gap 2", "[encoding]") {
  CHECK(position_code(5, 4) == std::vector<int>{-1, 1, -1, 1});
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      int dot = 0;
      const auto a = position_code(i, 4), b = position_code(j, 4);
      for (int k = 0; k < 4; ++k) dot += a[k] * b[k];
      if (i == j) CHECK(dot == 4);
      else CHECK(dot <= 2);  // p_i . p_j <= L - 2: the softmax gap
    }
}

TEST_CASE("decoding reports the first entry outside the tolerance", "[encoding]") {
  std::vector<double> entries{1.0, -0.9, 0.3, 1.2};
  const auto d = decode_bits(entries, 4, 0.25);
  REQUIRE(d.invalid);
  CHECK(*d.invalid == 2);
  entries[2] = 0.8;
  CHECK_FALSE(decode_bits(entries, 4, 0.25).invalid);
  entries[3] = std::nan("");
  CHECK(*decode_bits(entries, 4, 0.25).invalid == 3);  // NaN is never a bit
}
