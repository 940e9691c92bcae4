// Properties of the sigmoid lemma (proofs/sigmoid.md), at double and mpfr:200.
//
// Bound functions checked:
//   bounds::rounding_bound     (Theorem 3)  - the two-entry head against sigma in MPFR
//   bounds::staircase_bound    (Theorem 2)  - every target, staircase block
//   cert::certify              (certificate) - every target, fitted block
//   (block_bound adds Theorem 3 at the scalar to the last two)
// Inputs are dyadic rationals generated from integers. The negative checks evaluate
// blocks with one wrong c_i or one shifted b_i and require the bound to be violated.
// Sizes: RapidCheck's defaults (RC_PARAMS="max_success=1000" for a deeper run).
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "analysis/sigmoid_bound_inputs.hpp"
#include "analysis/sigmoid_eval.hpp"
#include "approx/channel.hpp"
#include "blocks/sigmoid.hpp"
#include "bounds/sigmoid.hpp"
#include "cert/sigmoid_certificate.hpp"

using namespace loopcert;
using namespace loopcert::analysis;
using namespace loopcert::approx;
using namespace loopcert::blocks;
using namespace loopcert::bounds;
using namespace loopcert::cert;

namespace {

// k / 2^s with |k| <= max_abs and 0 <= s <= max_shift.
rc::Gen<Rational> dyadic(int max_abs, int max_shift) {
  return rc::gen::map(rc::gen::pair(rc::gen::inRange(-max_abs, max_abs + 1), rc::gen::inRange(0, max_shift + 1)),
                      [](std::pair<int, int> p) { return Rational(p.first) * pow2(-p.second); });
}

// A point of [lo, hi] at a dyadic fraction of the range.
Rational point_in(const Target& t) {
  const int k = *rc::gen::inRange(0, (1 << 20) + 1);
  return t.lo + (t.hi - t.lo) * Rational(k, 1 << 20);
}

const ScalarSpec kDouble = parse_scalar("double");
const ScalarSpec kMpfr200 = parse_scalar("mpfr:200");

// The error of one block output at (x, y) against the target in MPFR (400 bits).
double error_at(const SigmoidBlock& b, const ScalarSpec& s, const Rational& x, const Rational& y) {
  const auto samples = evaluate(b, {{x, y}}, s);
  if (samples.empty()) return 0;  // rounded input left the range: no claim
  return measure(b.target, samples, 400).max_error;
}

// A single-term block c sigma(a x + b) on the rows of the standalone layout.
SigmoidBlock one_head(const Rational& a, const Rational& b, const Rational& c, SigmoidColumns columns = {}) {
  SigmoidBlock block;
  block.target = make_target(TargetKind::Sigmoid, std::make_pair(Rational(-4), Rational(4)));
  block.construction = Construction::Fitted;
  block.terms = 1;
  block.columns = columns;
  block.layout = sigmoid_layout(1);
  block.channels = target_channels(block.target);
  block.channels[0].sum.terms = {{a, b, c}};
  block.loop.d = block.layout.rows();
  block.loop.layers.push_back(sigmoid_layer(block.layout, block.channels, columns));
  return block;
}

// c sigma(a x + b) in MPFR at 400 bits.
MpfrReal reference_head(const Rational& a, const Rational& b, const Rational& c, const Rational& x) {
  MpfrReal z(Rational(a * x + b));
  return MpfrReal(c) / (MpfrReal(1) + exp(-z));
}

const std::vector<TargetKind> kTargets = {TargetKind::Square, TargetKind::Product, TargetKind::Reciprocal, TargetKind::Sqrt,
                                          TargetKind::Exp,    TargetKind::Sigmoid, TargetKind::Table};

Target target_of(TargetKind k) {
  if (k == TargetKind::Table) return make_target(k, std::nullopt, {{-1, 1}, {Rational(-1, 2), Rational(1, 4)}, {0, 0}, {1, 1}});
  return make_target(k, std::nullopt);
}

// Blocks and their bounds, built once per (target, construction).
struct Built {
  SigmoidBlock block;
  double bound_double, bound_mpfr200;
};
const Built& built(TargetKind k, Construction c) {
  static std::map<std::pair<int, int>, std::unique_ptr<Built>> cache;
  auto& slot = cache[{static_cast<int>(k), static_cast<int>(c)}];
  if (!slot) {
    const int m = c == Construction::Staircase ? 64 : 16;
    BuildOptions o;
    o.betas = {Rational(1, 2), 1};  // moderate weights keep the certificate quick
    SigmoidBlock b = build_block(target_of(k), c, m, o);
    CertifyOptions co;
    co.relative_tolerance = 0.05;
    const BlockBound bd = block_bound(b, rounding_model(kDouble), co);
    const double rounding200 = rounding_bound(b, rounding_model(kMpfr200));
    slot = std::make_unique<Built>(Built{std::move(b), bd.total, bd.approximation + rounding200});
  }
  return *slot;
}

double max_error_on_grid(const SigmoidBlock& b, int points) {
  return measure(b.target, evaluate(b, sample_points(b.target, points, 0, 1), kDouble)).max_error;
}


// |block(x) - c sigma(a x + b)| with the block run at mpfr:200 and the reference at 400
// bits.
double head_error_mpfr200(const SigmoidBlock& block, const Rational& a, const Rational& b, const Rational& c, const Rational& x) {
  std::optional<MpfrReal> out;  // keeps the 200-bit precision of the block's output
  {
    MpfrPrecisionScope scope(200);
    BlockEvaluator<MpfrReal> eval(block);
    out.emplace(eval(MpfrReal(x)));
  }
  MpfrPrecisionScope scope(400);
  return static_cast<double>(abs(*out - reference_head(a, b, c, x)));
}
}  // namespace

TEST_CASE("sigmoid: the two-entry head is sigma to within Theorem 3's rounding bound", "[property][sigmoid]") {
  rc::prop("double: |head - c sigma(a x + b)| <= rounding_bound", [] {
    const Rational a = *dyadic(64, 3), b = *dyadic(64, 3), c = *dyadic(16, 3), x = *dyadic(32, 4) / 8;
    const SigmoidBlock block = one_head(a, b, c);
    BlockEvaluator<double> eval(block);
    const double out = eval(to_double(x));  // x is exact in double
    MpfrPrecisionScope scope(400);
    const double err = static_cast<double>(abs(MpfrReal(out) - reference_head(a, b, c, x)));
    RC_ASSERT(err <= rounding_bound(block, rounding_model(kDouble)));
  });
  rc::prop("mpfr:200: |head - c sigma(a x + b)| <= rounding_bound", [] {
    const Rational a = *dyadic(64, 3), b = *dyadic(64, 3), c = *dyadic(16, 3), x = *dyadic(32, 4) / 8;
    const SigmoidBlock block = one_head(a, b, c);
    RC_ASSERT(head_error_mpfr200(block, a, b, c, x) <= rounding_bound(block, rounding_model(kMpfr200)));
  });
  rc::prop("fp16 and bf16 (emulated): the same bound, with the formats' u and eta", [] {
    const Rational a = *dyadic(64, 3), b = *dyadic(64, 3), c = *dyadic(16, 3), x = *dyadic(32, 4) / 8;
    const SigmoidBlock block = one_head(a, b, c);
    for (const char* name : {"fp16", "bf16"}) {
      const ScalarSpec s = parse_scalar(name);
      for (const Sample& out : evaluate(block, {{x, 0}}, s)) {  // the input as the format holds it
        MpfrPrecisionScope scope(400);
        const double err = static_cast<double>(abs(MpfrReal(out.out) - reference_head(a, b, c, out.x)));
        RC_ASSERT(out.finite);
        RC_ASSERT(err <= rounding_bound(block, rounding_model(s)));
      }
    }
  });
  rc::prop("mpfr:200, two anchors and two fillers: still exactly sigma", [] {
    const Rational a = *dyadic(64, 3), b = *dyadic(64, 3), c = *dyadic(16, 3), x = *dyadic(32, 4) / 8;
    const SigmoidBlock block = one_head(a, b, c, {2, 2});
    RC_ASSERT(head_error_mpfr200(block, a, b, c, x) <= rounding_bound(block, rounding_model(kMpfr200)));
  });
}

TEST_CASE("sigmoid: batched punchcards: P points and P anchors, every point column is exact", "[property][sigmoid]") {
  // The point columns are fillers for each other; with as many anchors the weight is
  // still sigma (Theorem 1), and Theorem 3 holds with n = P (A + F).
  rc::prop("double and mpfr:200, P in 2..5", [] {
    const Rational a = *dyadic(64, 3), b = *dyadic(64, 3), c = *dyadic(16, 3);
    const int P = *rc::gen::inRange(2, 6);
    std::vector<Rational> xs;
    for (int j = 0; j < P; ++j) xs.push_back(*dyadic(32, 4) / 8);
    const SigmoidBlock block = one_head(a, b, c);
    std::vector<double> xd, outd(P);
    for (const Rational& x : xs) xd.push_back(to_double(x));
    BlockEvaluator<double>(block, P)(xd.data(), nullptr, outd.data());
    std::vector<MpfrReal> out200;
    {
      MpfrPrecisionScope scope(200);
      std::vector<MpfrReal> xm, om(P);
      for (const Rational& x : xs) xm.emplace_back(x);
      BlockEvaluator<MpfrReal>(block, P)(xm.data(), nullptr, om.data());
      out200 = om;
    }
    MpfrPrecisionScope scope(400);
    for (int j = 0; j < P; ++j) {
      const MpfrReal ref = reference_head(a, b, c, xs[j]);
      RC_ASSERT(static_cast<double>(abs(MpfrReal(outd[j]) - ref)) <= rounding_bound(block, rounding_model(kDouble), P));
      RC_ASSERT(static_cast<double>(abs(out200[j] - ref)) <= rounding_bound(block, rounding_model(kMpfr200), P));
    }
  });
}

TEST_CASE("sigmoid: every target: the block is within its bound of f in MPFR", "[property][sigmoid]") {
  for (Construction c : {Construction::Staircase, Construction::Fitted}) {
    for (TargetKind k : kTargets) {
      const std::string name = construction_name(c) + " " + target_name(k);
      rc::prop(name + " at double (" + (c == Construction::Staircase ? "staircase_bound" : "certify") + " + rounding_bound)", [k, c] {
        const Built& b = built(k, c);
        const Rational x = point_in(b.block.target), y = point_in(b.block.target);
        RC_ASSERT(error_at(b.block, kDouble, x, y) <= b.bound_double);
      });
      rc::prop(name + " at mpfr:200", [k, c] {
        const Built& b = built(k, c);
        const Rational x = point_in(b.block.target), y = point_in(b.block.target);
        RC_ASSERT(error_at(b.block, kMpfr200, x, y) <= b.bound_mpfr200);
      });
    }
  }
}

TEST_CASE("sigmoid: the paper's k-filler variant: bias rounded to 2^-64, deviation in the bound", "[property][sigmoid]") {
  // One anchor and k - 1 = 3 fillers: the key bias carries log 3 rounded to 2^-64.
  static const SigmoidBlock block = [] {
    BuildOptions o;
    o.columns = {1, 3};
    return build_block(target_of(TargetKind::Exp), Construction::Staircase, 32, o);
  }();
  static const double bound = block_bound(block, rounding_model(kMpfr200)).total;
  rc::prop("exp, staircase, 1 anchor + 3 fillers, mpfr:200", [] {
    RC_ASSERT(error_at(block, kMpfr200, point_in(block.target), 0) <= bound);
  });
  CHECK(column_compensation_error({1, 3}) > 0);
  CHECK(column_compensation_error({2, 2}) == 0);
}

TEST_CASE("sigmoid: staircase bounds are non-vacuous: below 0.05 at m = 64 on every default range", "[property][sigmoid]") {
  for (TargetKind k : kTargets) {
    INFO(target_name(k));
    CHECK(built(k, Construction::Staircase).bound_double < 0.05);
  }
}

TEST_CASE("sigmoid: the staircase error halves with m as Theorem 2 says", "[property][sigmoid]") {
  // Stated tolerance: the measured ratio err(2m)/err(m) is within 15% of the bound's
  // ratio bound(2m)/bound(m), for m = 16 -> 32 -> 64 (errors on 64m grid points).
  const RoundingModel model = rounding_model(kDouble);
  for (TargetKind k : {TargetKind::Square, TargetKind::Exp, TargetKind::Sigmoid}) {
    double prev_err = 0, prev_bound = 0;
    for (int m : {16, 32, 64}) {
      const SigmoidBlock b = build_block(target_of(k), Construction::Staircase, m);
      const double err = max_error_on_grid(b, 64 * m + 1), bound = block_bound(b, model).total;
      if (prev_err > 0) {
        INFO(target_name(k) << " m = " << m << ": err ratio " << err / prev_err << ", bound ratio " << bound / prev_bound);
        CHECK(std::fabs((err / prev_err) / (bound / prev_bound) - 1) <= 0.15);
      }
      prev_err = err;
      prev_bound = bound;
    }
  }
}

TEST_CASE("sigmoid: negative checks: a wrong c_i or a shifted b_i violates the bound", "[property][sigmoid][negative]") {
  // The correct block's bound, the broken block's error on a fixed grid.
  auto broken_error = [](SigmoidBlock b, int term, bool shift_b) {
    Term& t = b.channels[0].sum.terms[term];
    if (shift_b) {
      // Move the step / centre by one grid step: b -= a h.
      const Rational h = (b.channels[0].f.hi - b.channels[0].f.lo) / b.terms;
      t.b -= t.a * h;
    } else {
      // Double the weight of one step and add 1/10.
      t.c = 2 * t.c + Rational(1, 10);
    }
    b.loop.layers[0] = sigmoid_layer(b.layout, b.channels, b.columns);
    return max_error_on_grid(b, 4097);
  };
  for (Construction c : {Construction::Staircase, Construction::Fitted}) {
    for (TargetKind k : {TargetKind::Square, TargetKind::Exp}) {
      const Built& b = built(k, c);
      INFO(construction_name(c) << " " << target_name(k));
      CHECK(max_error_on_grid(b.block, 4097) <= b.bound_double);  // the correct block holds
      // Break the term with the largest weight (a step of height ~0 would change nothing).
      const auto& terms = b.block.channels[0].sum.terms;
      int i = 0;
      for (int j = 1; j < static_cast<int>(terms.size()); ++j)
        if (abs(terms[j].c) > abs(terms[i].c)) i = j;
      CHECK(broken_error(b.block, i, false) > b.bound_double);  // wrong c_i
      CHECK(broken_error(b.block, i, true) > b.bound_double);   // shifted b_i
    }
  }
}
