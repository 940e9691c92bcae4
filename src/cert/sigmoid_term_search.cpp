// `search terms` as data (cert/sigmoid_term_search.hpp).
#include "cert/sigmoid_term_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <iostream>

#include "analysis/sigmoid_bound_inputs.hpp"
#include "approx/channel.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "cert/sigmoid_verify.hpp"

namespace loopcert::cert {

using analysis::ErrorSummary;
using analysis::evaluate;
using analysis::measure;
using analysis::Point;
using analysis::rounding_bound;
using analysis::sample_points;
using analysis::staircase_apriori_total;
using analysis::staircase_rounding_inputs;
using approx::Channel;
using approx::Construction;
using approx::construction_name;
using approx::default_staircase_alpha;
using approx::Target;
using approx::target_channels;
using blocks::SigmoidBlock;
using bounds::rounding_bound;
using bounds::rounding_model;

namespace {
// Progress numbers as the tables print them (3 significant digits).
std::string sci(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  return fmt::format("{:.{}e}", v, 2);
}
}  // namespace

std::optional<int> smallest(int cap, const std::function<bool(int)>& ok) {
  int lo = 0, hi = 1;  // lo: fails (0 = none tried), hi: candidate
  while (hi <= cap && !ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > cap) {
    if (lo < cap && ok(cap)) hi = cap;
    else return std::nullopt;
  }
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

int smallest_calls_at_most(int cap) {
  if (cap < 1) return 0;
  const int f = std::bit_width(static_cast<unsigned>(cap)) - 1;  // floor(log2 cap)
  // ok first holds at 2^j <= cap: j + 1 doubling calls, then j - 1 of bisection.
  const int found = f == 0 ? 1 : 2 * f;
  // No power of two passes: f + 1 doubling calls, ok(cap), a bisection of (2^f, cap).
  const unsigned above = static_cast<unsigned>(cap - (1 << f));
  const int at_cap = f + 1 + (above > 0 ? 1 + static_cast<int>(std::bit_width(above - 1)) : 0);
  return std::max(found, at_cap);
}

TermSearch::TermSearch(Target target, ScalarSpec scalar, double error, int trials, std::uint64_t seed, TermProgress progress)
    : target_(std::move(target)), scalar_(scalar), model_(rounding_model(scalar)), error_(error), trials_(trials), seed_(seed),
      options_(build_options(scalar)), progress_(std::move(progress)) {
  if (progress_.inner)
    options_.on_fit_width = [this](int done, int widths) { progress_.inner(step_ + ": candidate widths", done, widths); };
}

void TermSearch::step_done(const std::string& result) {
  if (progress_.log) progress_.log(result);
  else std::cerr << result << "\n";
  if (progress_.step) progress_.step(++steps_);
}

std::function<void(std::size_t, std::size_t)> TermSearch::on_points(const std::string& what) {
  step_ = what;
  if (!progress_.inner) return {};
  return [this, what](std::size_t done, std::size_t total) { progress_.inner(what + ": points", static_cast<long>(done), static_cast<long>(total)); };
}

const SigmoidBlock& TermSearch::block(Construction c, int m) {
  auto key = std::make_pair(static_cast<int>(c), m);
  auto it = blocks_.find(key);
  if (it == blocks_.end()) it = blocks_.emplace(key, build_block(target_, c, m, options_)).first;
  return it->second;
}

ErrorSummary TermSearch::measured(Construction c, int m) {
  auto key = std::make_pair(static_cast<int>(c), m);
  if (auto it = measured_.find(key); it != measured_.end()) return it->second;
  const auto points = sample_points(target_, grid_points(m), trials_, seed_);
  const auto on = on_points(fmt::format("{} m = {}", construction_name(c), m));
  ErrorSummary e = measure(target_, evaluate(block(c, m), points, scalar_, on), measure_precision(scalar_));
  step_done(fmt::format("  {} m = {}: measured {} at {} (target {})", construction_name(c), m, sci(e.max_error), scalar_.name(), sci(error_)));
  return measured_[key] = e;
}

double TermSearch::fitted_bound(int m) {
  if (auto it = fitted_bound_.find(m); it != fitted_bound_.end()) return it->second;
  step_ = fmt::format("fitted m = {}", m);
  const SigmoidBlock& b = block(Construction::Fitted, m);
  const double rounding = rounding_bound(b, model_);
  double total = INFINITY;
  if (rounding < error_) {
    CertifyOptions co;
    double scales = 0;
    for (const Channel& ch : b.channels) scales += std::fabs(to_double(ch.scale));
    co.target = (error_ - rounding) / scales * (1 - 1e-12);
    if (progress_.inner) co.on_cells = [&](long cells, long at_most) { progress_.inner(step_ + ": certificate cells", cells, at_most); };
    total = block_bound(b, model_, co).total;
  }
  step_done(fmt::format("  fitted m = {}: certified bound {} (target {})", m, sci(total), sci(error_)));
  return fitted_bound_[m] = total;
}

double TermSearch::staircase_bound_total(int m) {
  return staircase_apriori_total(target_channels(target_), m, default_staircase_alpha(), model_);
}

std::optional<int> TermSearch::staircase_by_bound(int cap) {
  const auto channels = target_channels(target_);
  auto approx_bound = [&](int m) {
    double a = 0;
    staircase_apriori_total(channels, m, default_staircase_alpha(), model_, &a);
    return a;
  };
  auto total = [&](int m) { return staircase_bound_total(m); };
  // approx decreases with m: bisection finds the first m0 with approx <= E; below m0
  // no total can pass (total >= approx). Past m0 the rounding part grows with m.
  auto m0 = smallest(cap, [&](int m) { return approx_bound(m) <= error_; });
  if (!m0) return std::nullopt;
  if (total(*m0) <= error_) return m0;
  int lo = *m0, hi = *m0;
  while (hi < cap) {
    hi = std::min<long long>(cap, 2LL * hi);
    if (total(hi) <= error_) break;
    if (approx_bound(hi) <= 0 || rounding_bound(staircase_rounding_inputs(channels, hi, default_staircase_alpha()), model_) > error_)
      return std::nullopt;
    lo = hi;
  }
  if (total(hi) > error_) return std::nullopt;
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (total(mid) <= error_) hi = mid;
    else lo = mid;
  }
  return hi;
}


SmallestTerms smallest_terms(TermSearch& s, Construction c, int staircase_cap, int fitted_cap) {
  SmallestTerms r;
  const double E = s.error();
  r.cap = c == Construction::Staircase ? staircase_cap : fitted_cap;
  if (c == Construction::Staircase) {
    r.by_bound = s.staircase_by_bound(kStaircaseBoundCap);
    if (r.by_bound) r.bound_at = s.staircase_bound_total(*r.by_bound);
  } else {
    r.by_bound = smallest(r.cap, [&](int m) { return s.fitted_bound(m) <= E; });
    if (r.by_bound) r.bound_at = s.fitted_bound(*r.by_bound);
  }
  r.measured = smallest(r.cap, [&](int m) { return s.measured(c, m).max_error <= E; });
  return r;
}

PrecisionResult precision_and_formats(TermSearch& s, Construction c, int m, const Point& worst) {
  PrecisionResult r;
  r.terms = m;
  const SigmoidBlock& b = s.block(c, m);
  auto points = sample_points(s.target(), 257, s.trials(), s.seed() + 1);
  points.push_back(worst);
  const double E = s.error();
  if (c == Construction::Staircase) {
    r.approximation = block_bound(b, s.model()).approximation;
  } else {
    CertifyOptions co;
    r.approximation = block_bound(b, s.model(), co).approximation;
  }
  auto err_at = [&](const ScalarSpec& spec) {
    const auto on = s.on_points(fmt::format("{} m = {} at {}", construction_name(c), m, spec.name()));
    return measure(s.target(), evaluate(b, points, spec, on), measure_precision(spec)).max_error;
  };
  // Predicted: the smallest P whose total bound is at most E.
  for (long p = 2; p <= 1060; ++p)
    if (r.approximation + rounding_bound(b, rounding_model({ScalarKind::Mpfr, p})) <= E) {
      r.bits_predicted = p;
      break;
    }
  std::map<long, bool> cache;
  auto ok = [&](long p) {
    if (auto it = cache.find(p); it != cache.end()) return it->second;
    const double e = err_at({ScalarKind::Mpfr, p});
    s.step_done(fmt::format("  {} m = {} at mpfr:{}: measured {}", construction_name(c), m, p, sci(e)));
    return cache[p] = e <= E;
  };
  long lo = 1, hi = 64;
  while (hi <= 1024 && !ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi <= 1024) {
    while (hi - lo > 1) {
      const long mid = (lo + hi) / 2;
      if (ok(mid)) hi = mid;
      else lo = mid;
    }
    r.bits_measured = hi;
  }
  for (const char* name : {"double", "float", "tf32", "fp16", "bf16", "fp8e5m2", "fp8e4m3"}) {
    const ScalarSpec spec = parse_scalar(name);
    FormatResult f;
    f.scalar = name;
    f.max_error = err_at(spec);
    f.bound = r.approximation + rounding_bound(b, rounding_model(spec));
    s.step_done(fmt::format("  {} m = {} at {}: measured {}", construction_name(c), m, name, sci(f.max_error)));
    r.formats.push_back(f);
  }
  return r;
}

std::int64_t TermSearchSize::total() const { return staircase_measured + fitted_bounds + fitted_measured + precision; }

TermSearchSize search_terms_size(const std::vector<Construction>& constructions, int max_terms, int max_fitted_terms,
                                 std::optional<int> terms) {
  TermSearchSize size;
  const int given = terms ? 1 : 0;  // --terms may name an m the searches did not measure
  for (Construction c : constructions) {
    if (c == Construction::Staircase) {
      size.staircase_measured = smallest_calls_at_most(max_terms) + given;
    } else {
      size.fitted_bounds = smallest_calls_at_most(max_fitted_terms);
      size.fitted_measured = smallest_calls_at_most(max_fitted_terms) + given;
    }
    size.precision += kPrecisionStepsAtMost;
  }
  return size;
}

SearchTermsResult search_terms(const Target& target, const std::vector<Construction>& constructions, const ScalarSpec& scalar,
                               double error, int trials, std::uint64_t seed, int max_terms, int max_fitted_terms,
                               std::optional<int> terms, const TermProgress& progress) {
  SearchTermsResult r{target, scalar, error, max_terms, max_fitted_terms, {}};
  TermSearch s(target, scalar, error, trials, seed, progress);
  for (Construction c : constructions) {
    const std::string heading = "search terms: " + construction_name(c);
    if (progress.log) progress.log(heading);
    else std::cerr << heading << "\n";
    ConstructionTerms ct;
    ct.construction = c;
    ct.terms = smallest_terms(s, c, max_terms, max_fitted_terms);
    const SmallestTerms& t = ct.terms;
    if (t.measured) ct.error_at_measured = s.measured(c, *t.measured).max_error;
    const int m_star = terms ? *terms : (t.measured ? *t.measured : (t.by_bound && *t.by_bound <= t.cap ? *t.by_bound : 0));
    if (m_star > 0) ct.precision = precision_and_formats(s, c, m_star, s.measured(c, m_star).argmax);
    r.constructions.push_back(std::move(ct));
  }
  return r;
}

}  // namespace loopcert::cert
