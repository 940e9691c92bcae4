// Every bound of bounds/ is never below the exact bound of its proof note (issue 10):
// at random and adversarial parameters (tiny delta down to 2^-80, lambda up to 10^4, the
// unit roundoffs of float, double, long double, float128 and MPFR at 63..256 bits) the
// implemented double is compared with the note's formula in 2048-bit MPFR
// (tests/bounds_reference.hpp). Negative check: the formulas evaluated the old way (round
// to nearest, (rho - 1) and (1 + g)(1 + g) e^x - 1 left to cancel) are caught.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>

#include "../tests/bounds_reference.hpp"
#include "bounds/subleq_loop.hpp"
#include "core/scalar_name.hpp"

namespace b = loopcert::bounds;
namespace ref = loopcert::reference;

namespace {

struct Params {
  int n = 8, L = 3, N = 8;
  double lambda = 4, delta = 0, u = 0x1p-53;
  loopcert::ScalarSpec scalar;
};

// Half the draws adversarial: tiny delta, lambda at an extreme, n at a power of two.
Params draw(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto unit = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  const bool adversarial = pick(0, 1) == 1;
  Params p;
  p.L = pick(2, 12);
  p.n = adversarial ? (1 << p.L) : pick((1 << (p.L - 1)) + 1, 1 << p.L);
  p.N = pick(2, 40);
  p.lambda = adversarial ? (pick(0, 1) ? 1e4 * unit() + 100 : 0.5 + unit()) : 0.5 + 30 * unit();
  p.delta = adversarial ? std::ldexp(1.0 + unit(), -pick(50, 80)) : unit() / (8 * p.L);
  static const char* scalars[] = {"float", "double", "long-double", "float128", "mpfr:63", "mpfr:64", "mpfr:80", "mpfr:113", "mpfr:200", "mpfr:256"};
  p.scalar = loopcert::parse_scalar(scalars[pick(0, 9)]);
  if (p.scalar.kind == loopcert::ScalarKind::Mpfr && !adversarial) p.scalar.precision = pick(63, 256);
  p.u = b::unit_roundoff(p.scalar);
  return p;
}

double eta_of(const b::ExpModel& m) { return m.has_absolute ? std::ldexp(1.0, static_cast<int>(m.absolute_log2)) : 0; }

// The implemented bounds of one parameter point against the reference; false on the first miss.
template <class Rounding, class Write, class Flag>
bool all_at_least(const Params& p, Rounding rounding, Write write, Flag flag, std::string& where) {
  const b::ExpModel m = b::exp_model(p.scalar);
  auto check = [&](const char* name, double got, const ref::Real& exact) {
    if (ref::at_least(got, exact)) return true;
    where = std::string(name) + ": implemented " + std::to_string(got) + " < exact " + std::to_string(exact.to_double());
    return false;
  };
  const double C = 2, gap = 2 - 2 * p.L * p.delta;  // the leak's gap argument, as a double
  return check("softmax_leak", b::softmax_leak(p.n - 1, p.lambda, gap), ref::leak(p.n - 1, p.lambda, ref::Real(gap))) &&
         check("read_attention", b::read_attention(p.n, p.L, p.lambda, p.delta), ref::read_attention(p.n, p.L, p.lambda, p.delta)) &&
         check("write_output", write(p.n, p.L, p.lambda, p.delta, C), ref::write_output(p.n, p.L, p.lambda, p.delta, C)) &&
         check("rounding_attention", rounding(p.n, p.L, p.lambda, p.u, p.delta, m), ref::rounding_attention(p.n, p.L, p.lambda, p.u, p.delta, m.units, eta_of(m))) &&
         check("gamma", b::gamma(p.n + 3, p.u), ref::gamma(p.n + 3, p.u)) &&
         check("flag_output", flag(p.N, p.delta), ref::flag_output(p.N, p.delta)) &&
         check("branch_output", b::branch_output(p.delta * 3, p.delta), ref::branch_output(p.delta * 3, p.delta)) &&
         check("increment_output", b::increment_output(p.L, p.delta), ref::increment_output(p.L, p.delta)) &&
         check("subtract_output", b::subtract_output(p.N, p.delta), ref::subtract_output(p.N, p.delta));
}

double implemented_rounding(int n, int L, double lambda, double u, double delta, const b::ExpModel& m) {
  return b::rounding_attention(n, L, lambda, u, delta, m);
}
double implemented_write(int n, int L, double lambda, double delta, double C) { return b::write_output(n, L, lambda, delta, C); }
double implemented_flag(int N, double delta) { return b::flag_output(N, delta); }

// The evaluation before issue 10: round to nearest, cancelling forms.
double naive_rounding(int n, int L, double lambda, double u, double delta, const b::ExpModel& m) {
  auto g = [&](double k) { return k * u / (1 - k * u); };
  const double xi = lambda * L * (1 + delta) * g(L + 2);
  return (1 + delta) * ((1 + g(n)) * (1 + g(n + 2 * m.units)) * std::exp(2 * xi) - 1);
}
double naive_write(int n, int L, double lambda, double delta, double C) {
  const double rho = std::exp(lambda * L * delta);
  const double r = (n - 2) * std::exp(-lambda * (2 - L * delta));
  const double eta = (rho - 1) / (2 * (1 + rho)) + r / (1 + r);
  return 2 * eta * (1 + C) + (1 + 2 * eta) * delta;
}
double naive_flag(int N, double delta) { return N * delta; }

}  // namespace

TEST_CASE("every bound is at least its exact value at random and adversarial parameters", "[property][bounds_rigor]") {
  rc::prop("implemented bound >= 2048-bit reference", [](std::uint64_t seed) {
    const Params p = draw(seed);
    std::string where;
    RC_LOG() << "n=" << p.n << " L=" << p.L << " N=" << p.N << " lambda=" << p.lambda << " delta=" << p.delta << " u=" << p.u
             << " scalar=" << p.scalar.name() << "\n";
    const bool ok = all_at_least(p, implemented_rounding, implemented_write, implemented_flag, where);
    RC_LOG() << where << "\n";
    RC_ASSERT(ok);
  });
}

TEST_CASE("negative check: round-to-nearest, cancelling evaluations are caught", "[property][negative][bounds_rigor]") {
  int caught = 0;
  std::string where;
  for (std::uint64_t seed = 1; seed <= 300; ++seed)
    if (!all_at_least(draw(seed), naive_rounding, naive_write, naive_flag, where)) ++caught;
  INFO(caught << " of 300 parameter points caught; last: " << where);
  CHECK(caught > 30);
}
