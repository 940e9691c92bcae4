// NarrowMpfrLD: MPFR semantics at 53 <= P <= 63 bits, computed in x87 long double (64
// significand bits): the same construction as NarrowMpfr (narrow_mpfr.hpp) one carrier
// wider. RN64(a op b) that is not a midpoint of the P-bit grid (midpoints have P + 1 <= 64
// bits) rounds to the correctly rounded P-bit result; at a midpoint the sign of the exact
// error decides: TwoSum for + and -, Dekker's exact product (Veltkamp splitting into
// 32 + 32 bits; x87 has no fused multiply-add) for * and for the remainder of /. exp:
// expl within 1 ulp, decided when [expl - 2 ulp, expl + 2 ulp] rounds to one P-bit
// value, else MPFR (cached). Denormals, infinities, NaN and exp arguments beyond
// +-11000 set the thread's flag: the run is then redone with MPFR. Tested against MPFR
// like NarrowMpfr (properties/narrow_mpfr.cpp).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/narrow_mpfr.hpp"

namespace loopcert {

namespace narrow_ld {
static_assert(std::numeric_limits<long double>::digits == 64, "the long double carrier needs the x87 80-bit format");

struct Parts {
  std::uint64_t m;   // significand with its explicit integer bit (bit 63 for normals)
  std::uint16_t se;  // sign (bit 15) and biased exponent
};
inline Parts parts(long double x) {
  Parts p;
  std::memcpy(&p.m, &x, 8);
  std::memcpy(&p.se, reinterpret_cast<const char*>(&x) + 8, 2);
  return p;
}
inline long double make(std::uint64_t m, std::uint16_t se) {
  long double x = 0;
  std::memcpy(&x, &m, 8);
  std::memcpy(reinterpret_cast<char*>(&x) + 8, &se, 2);
  return x;
}
inline int drop() { return 64 - narrow::precision; }

// m + add with the carry out of 64 bits moved into the exponent.
inline long double with_carry(std::uint64_t m, std::uint64_t add, std::uint64_t not_mask, std::uint16_t se) {
  std::uint16_t e = se & 0x7FFF;
  const std::uint16_t sign = se & 0x8000;
  std::uint64_t r;
  if (m > ~std::uint64_t(0) - add) {  // 2^64: the next binade
    r = std::uint64_t(1) << 63;
    ++e;
    if (e >= 0x7FFF) narrow::left_range = true;
  } else {
    r = (m + add) & not_mask;
  }
  return make(r, static_cast<std::uint16_t>(sign | e));
}

inline long double round_p(long double x) {
  const Parts p = parts(x);
  const std::uint16_t e = p.se & 0x7FFF;
  if (e == 0) {
    if (p.m != 0) narrow::left_range = true;  // a denormal
    return x;
  }
  if (e == 0x7FFF) {
    narrow::left_range = true;
    return x;
  }
  const int d = drop();
  const std::uint64_t half_m1 = (std::uint64_t(1) << (d - 1)) - 1, mask = (std::uint64_t(1) << d) - 1;
  return with_carry(p.m, half_m1 + ((p.m >> d) & 1), ~mask, p.se);
}

inline bool at_midpoint(long double x) {
  const int d = drop();
  return (parts(x).m & ((std::uint64_t(1) << d) - 1)) == (std::uint64_t(1) << (d - 1));
}

inline long double round_midpoint(long double hi, int direction) {
  if (direction == 0) return round_p(hi);
  const Parts p = parts(hi);
  const int d = drop();
  const std::uint64_t half = std::uint64_t(1) << (d - 1), mask = (std::uint64_t(1) << d) - 1;
  const bool up = (direction > 0) == !(p.se & 0x8000);
  return up ? with_carry(p.m, half, ~mask, p.se) : make(p.m & ~mask, p.se);
}

inline int sign_of(long double x) { return (x > 0) - (x < 0); }

// Dekker: a b = p + err exactly (64-bit significands split into 32 + 32 bits).
inline long double product_error(long double a, long double b, long double p) {
  const long double c = 4294967297.0L;  // 2^32 + 1
  const long double ca = c * a, ah = ca - (ca - a), al = a - ah;
  const long double cb = c * b, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

inline long double add(long double a, long double b) {
  const long double s = a + b;
  if (!at_midpoint(s)) return round_p(s);
  const long double bb = s - a;
  const long double err = (a - (s - bb)) + (b - bb);
  return round_midpoint(s, sign_of(err));
}
inline long double mul(long double a, long double b) {
  const long double p = a * b;
  if (!at_midpoint(p)) return round_p(p);
  return round_midpoint(p, sign_of(product_error(a, b, p)));
}
inline long double div(long double a, long double b) {
  const long double q = a / b;
  if (!std::isfinite(q)) {
    narrow::left_range = true;
    return q;
  }
  if (!at_midpoint(q)) return round_p(q);
  const long double ph = q * b, pl = product_error(q, b, ph);
  const long double r = (a - ph) - pl;  // exact remainder
  return round_midpoint(q, sign_of(r) * sign_of(b));
}
inline long double exp(long double x) {
  if (x == 0) return 1;
  if (!(x > -11000 && x < 11000)) {
    narrow::left_range = true;
    return round_p(std::exp(x));
  }
  const long double e = std::exp(x);
  const Parts p = parts(e);
  long double lo, hi;
  if (p.m >= (std::uint64_t(1) << 63) + 2 && p.m <= ~std::uint64_t(0) - 2) {
    lo = make(p.m - 2, p.se);
    hi = make(p.m + 2, p.se);
  } else {
    lo = std::nextafter(std::nextafter(e, 0.0L), 0.0L);
    hi = std::nextafter(std::nextafter(e, INFINITY), static_cast<long double>(INFINITY));
  }
  const long double rlo = round_p(lo), rhi = round_p(hi);
  if (rlo == rhi) return rlo;
  struct Entry {
    long double x = 0;
    int precision = 0;
    long double value = 0;
  };
  thread_local Entry cache[256];
  std::uint64_t key = parts(x).m ^ parts(x).se;
  Entry& slot = cache[(key ^ (key >> 17) ^ (key >> 41)) & 255];
  if (slot.precision == narrow::precision && slot.x == x) return slot.value;
  mpfr_t y;
  mpfr_init2(y, narrow::precision);
  mpfr_set_ld(y, x, MPFR_RNDN);  // exact
  mpfr_exp(y, y, MPFR_RNDN);
  const long double out = mpfr_get_ld(y, MPFR_RNDN);  // exact: P <= 63 bits
  mpfr_clear(y);
  slot = Entry{x, narrow::precision, out};
  return out;
}

// The long double carrier of NarrowScalar (narrow_scalar.hpp).
struct LongDoubleCarrier {
  using type = long double;
  static long double round(long double x) { return round_p(x); }
  static long double add(long double a, long double b) { return narrow_ld::add(a, b); }
  static long double mul(long double a, long double b) { return narrow_ld::mul(a, b); }
  static long double div(long double a, long double b) { return narrow_ld::div(a, b); }
  static long double exp(long double x) { return narrow_ld::exp(x); }
  static long double from_rational(const Rational& q) {
    mpfr_t x;
    mpfr_init2(x, narrow::precision);
    mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
    const long double d = mpfr_get_ld(x, MPFR_RNDN);
    if (mpfr_number_p(x) && !mpfr_zero_p(x) && (mpfr_get_exp(x) < -16000 || mpfr_get_exp(x) > 16000)) narrow::left_range = true;
    mpfr_clear(x);
    return d;
  }
};
}  // namespace narrow_ld

using NarrowMpfrLD = NarrowScalar<narrow_ld::LongDoubleCarrier>;

}  // namespace loopcert
