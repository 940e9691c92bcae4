// Every bound of bounds/ is never below the exact bound of its proof note (issue 10):
// at random and adversarial parameters (tiny delta down to 2^-80, lambda up to 10^4, the
// unit roundoffs of float, double, long double, float128 and MPFR at 63..256 bits) the
// implemented double is compared with the note's formula in 2048-bit MPFR
// (tests/bounds_reference.hpp). Negative check: the formulas evaluated the old way (round
// to nearest, (rho - 1) and (1 + g)(1 + g) e^x - 1 left to cancel) are caught. The tight
// read and write bounds (proofs/read.md Lemma 2', proofs/write.md Lemma 2) are also
// compared with the blocks on the lemmas' worst-case inputs.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>

#include "../tests/bounds_reference.hpp"
#include "analysis/lemma_checks.hpp"
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
template <class Rounding, class Write, class TightWrite, class Flag>
bool all_at_least(const Params& p, Rounding rounding, Write write, TightWrite tight_write, Flag flag, std::string& where) {
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
         check("read_attention_tight", b::read_attention_tight(p.n, p.L, p.lambda, p.delta), ref::read_attention_tight(p.n, p.L, p.lambda, p.delta)) &&
         check("write_output_tight", tight_write(p.n, p.L, p.lambda, p.delta, C), ref::write_output_tight(p.n, p.L, p.lambda, p.delta, C)) &&
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
double implemented_tight_write(int n, int L, double lambda, double delta, double C) { return b::write_output_tight(n, L, lambda, delta, C); }
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
// write.md Lemma 2 in double: rho (1 + Q) - 1 cancels to 0 once lambda L delta and Q are
// below 2^-53 (large lambda, tiny delta), as (rho - 1) did before issue 10.
double naive_tight_write(int n, int L, double lambda, double delta, double C) {
  const double q = L * std::exp(-2 * lambda) + (n - 2 - L) * std::exp(-lambda * L);
  const double x = std::exp(lambda * L * delta) * (1 + std::max(q, 0.0));
  const double eta = (x - 1) / (2 * (x + 1));
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
    const bool ok = all_at_least(p, implemented_rounding, implemented_write, implemented_tight_write, implemented_flag, where);
    RC_LOG() << where << "\n";
    RC_ASSERT(ok);
  });
}

TEST_CASE("negative check: round-to-nearest, cancelling evaluations are caught", "[property][negative][bounds_rigor]") {
  int caught = 0;
  std::string where;
  for (std::uint64_t seed = 1; seed <= 300; ++seed)
    if (!all_at_least(draw(seed), naive_rounding, naive_write, naive_tight_write, naive_flag, where)) ++caught;
  INFO(caught << " of 300 parameter points caught; last: " << where);
  CHECK(caught > 30);
}

TEST_CASE("negative check: the tight write bound evaluated in double is caught", "[property][negative][bounds_rigor]") {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const Params p = draw(seed);
    caught += !ref::at_least(naive_tight_write(p.n, p.L, p.lambda, p.delta, 2), ref::write_output_tight(p.n, p.L, p.lambda, p.delta, 2));
  }
  INFO(caught << " of 300 parameter points caught");
  CHECK(caught > 30);
}

// The tight bounds against what the blocks do on the lemmas' worst-case inputs
// (analysis/lemma_checks/read.cpp, write.cpp): never exceeded, and attained closely
// enough that the same bound scaled by 0.9 would be violated (the negative check: a
// bound a little too small is caught by these inputs).
TEST_CASE("tight read and write bounds: observed worst case <= bound, and a bound 10% lower is caught", "[property][bounds_rigor][tight]") {
  loopcert::analysis::LemmaSettings worst;
  worst.inputs = loopcert::analysis::Inputs::Adversarial;
  for (const char* lemma : {"read", "write"})
    for (const char* scalar : {"double", "mpfr:200"}) {
      double best = 0;
      for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const auto t = loopcert::analysis::run_lemma_trial(lemma, loopcert::parse_scalar(scalar), seed, worst);
        INFO(lemma << " at " << scalar << " seed " << seed << ": n=" << t.n << " lambda=" << t.lambda << " delta=" << t.delta
                   << " observed " << t.observed << " bound " << t.bound << " (" << t.checked << ")");
        CHECK(t.holds);
        if (t.bound > 0 && std::isfinite(t.bound)) best = std::max(best, t.observed / t.bound);
      }
      INFO(lemma << " at " << scalar << ": largest observed / bound " << best);
      CHECK(best <= 1);
      CHECK(best > 0.9);
    }
}

namespace {
// The loop's errors on a compiled layout, directly from their definition (proofs/
// subleq_loop.md, "The layout's own codes"): the largest leak over every addressed column,
// each summed over every other column in 2048-bit MPFR, no pruning.
ref::Real layout_leak(const loopcert::Layout& layout, double lambda, bool write) {
  const int L = layout.address_bits();
  ref::Real top(0);
  const int first = write ? layout.memory().begin : layout.memory().begin, last = write ? layout.memory().end : layout.columns();
  for (int t = first; t < last; ++t) {
    ref::Real sum = ref::Real(layout.scratch().size() - (write ? 1 : 0)) * exp(ref::Real(-lambda * L));
    for (int j = layout.scratch().end; j < layout.columns(); ++j)
      if (j != t) sum = sum + exp(ref::Real(-2 * lambda * std::popcount(static_cast<unsigned>(j ^ t))));
    if (top < sum) top = sum;
  }
  return top;
}
}  // namespace

TEST_CASE("the loop's errors on the layout's own codes: >= their definition, <= the (n, L) forms", "[property][bounds_rigor][tight]") {
  rc::prop("layout-counted loop errors", [](std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const loopcert::Layout layout(pick(1, 8), pick(1, 60), pick(1, 60));
    const double lambda = 0.5 + std::uniform_real_distribution<double>(0, 6)(rng);
    const int n = layout.columns(), L = layout.address_bits();
    const b::LoopShape shape = b::loop_shape(layout);
    const double read = b::loop_read_error(shape, lambda), write = b::loop_write_error(shape, lambda, 2);
    RC_LOG() << "layout " << layout.scratch().size() << "," << layout.memory().size() << "," << layout.commands().size() << " lambda " << lambda
             << ": read " << read << " write " << write << "\n";
    const ref::Real qr = layout_leak(layout, lambda, false), qw = layout_leak(layout, lambda, true);
    RC_ASSERT(ref::at_least(read, ref::Real(2) * qr / (ref::Real(1) + qr)));
    const ref::Real eta = qw / (ref::Real(2) * (ref::Real(2) + qw));
    if (ref::write_gate_closes(L, lambda, 0, 2)) RC_ASSERT(ref::at_least(write, ref::Real(6) * eta));
    // never above in exact arithmetic; the two evaluations may differ by an ulp when equal
    RC_ASSERT(read <= b::loop_read_error(n, L, lambda) * (1 + 1e-12));
    RC_ASSERT(write <= b::loop_write_error(n, L, lambda, 2) * (1 + 1e-12));
  });
}

TEST_CASE("negative check: a layout shape missing one near code is caught by the definition", "[property][negative][bounds_rigor][tight]") {
  int caught = 0, lower = 0;
  for (int m = 1; m <= 40; ++m) {
    const loopcert::Layout layout(1 + m % 3, m, 5);
    b::LoopShape broken = b::loop_shape(layout);
    for (auto& t : broken.read_targets)
      if (t.at_distance[0] > 0) t.at_distance[0] -= 1;
    const ref::Real q = layout_leak(layout, 1.5, false);
    caught += !ref::at_least(b::loop_read_error(broken, 1.5), ref::Real(2) * q / (ref::Real(1) + q));
    lower += b::loop_write_error(b::loop_shape(layout), 1.5, 2) < b::loop_write_error(layout.columns(), layout.address_bits(), 1.5, 2);
  }
  CHECK(caught > 30);
  CHECK(lower > 10);  // and the layout's count is below the (n, L) one on many layouts
}
