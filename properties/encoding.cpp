// Property: encode/decode round trip for N-bit integers and positional codes, with
// noise inside the tolerance; noise beyond it is reported, never rounded.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include "compile/encoding.hpp"

using namespace loopcert::compile;

TEST_CASE("encoding round trip", "[property][encoding]") {
  rc::prop("integers survive noise below the tolerance", [] {
    const int N = *rc::gen::inRange(2, 65);
    const std::int64_t lo = N == 64 ? INT64_MIN : -(std::int64_t{1} << (N - 1));
    const std::int64_t hi = N == 64 ? INT64_MAX : (std::int64_t{1} << (N - 1)) - 1;
    const std::int64_t v = *rc::gen::inRange<std::int64_t>(lo, hi);
    const auto bits = integer_bits(v, N);
    std::vector<double> noisy(N);
    for (int k = 0; k < N; ++k) noisy[k] = bits[k] + *rc::gen::inRange(-255, 256) / 1024.0;  // |noise| < 1/4
    const auto d = decode_bits(noisy, N, 0.25);
    RC_ASSERT(!d.invalid);
    RC_ASSERT(to_signed(d.unsigned_value, N) == v);
  });
  rc::prop("an entry beyond the tolerance is reported at its index", [] {
    const int N = *rc::gen::inRange(2, 17);
    const auto bits = integer_bits(*rc::gen::inRange<std::int64_t>(0, 1 << (N - 1)), N);
    std::vector<double> noisy(bits.begin(), bits.end());
    const int bad = *rc::gen::inRange(0, N);
    noisy[bad] = bits[bad] * (1 - *rc::gen::inRange(257, 1792) / 1024.0);  // moves it 0.25..1.75 toward the other bit
    const auto d = decode_bits(noisy, N, 0.25);
    RC_ASSERT(d.invalid.has_value());
    RC_ASSERT(*d.invalid == bad);
  });
}
