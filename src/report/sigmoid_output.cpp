// What `verify sigmoid` and `search terms` print (report/sigmoid_output.hpp).
#include "report/sigmoid_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>

#include "report/json.hpp"

namespace loopcert::report {

using approx::Construction;
using approx::construction_name;
using approx::range_text;
using approx::target_name;
using approx::Term;
using blocks::SigmoidBlock;
using cert::grid_points;
using json = nlohmann::json;  // sorted keys

namespace {
json number_or_null(double v) { return number(v); }
json opt_json(const std::optional<int>& v) { return optional(v); }
json opt_json(const std::optional<long>& v) { return optional(v); }

nlohmann::json row_json(const cert::VerifyRow& r) {
  json j{{"construction", construction_name(r.construction)},
         {"heads", r.block.heads()},
         {"width", width_text(r.block)},
         {"max_weight", max_weight(r.block)},
         {"max_value_weight", max_value_weight(r.block)},
         {"max_error", number_or_null(r.error.max_error)},
         {"finite", r.error.finite},
         {"argmax", r.block.target.inputs() == 2 ? json{{"x", to_double(r.error.argmax.x)}, {"y", to_double(r.error.argmax.y)}}
                                                 : json{{"x", to_double(r.error.argmax.x)}}},
         {"points", r.error.points},
         {"bound", number_or_null(r.bound.total)},
         {"approximation_bound", number_or_null(r.bound.approximation)},
         {"rounding_bound", number_or_null(r.bound.rounding)},
         {"bound_kind", r.bound.certified ? "certified" : "proved"},
         {"bound_function", r.bound.certified ? "cert::certify + bounds::rounding_bound" : "bounds::staircase_bound + bounds::rounding_bound"},
         {"ratio", number_or_null(r.ratio)},
         {"bound_vacuous", !std::isfinite(r.bound.total)},
         {"verdict", !r.holds ? "violated" : std::isfinite(r.bound.total) ? "holds" : "vacuous"}};
  if (r.bound.certified) {
    j["certificate_converged"] = r.bound.converged;
    j["certificate_cells"] = r.bound.cells;
  }
  return j;
}

}  // namespace

std::string sci(double v, int digits) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  return fmt::format("{:.{}e}", v, digits - 1);
}

double max_weight(const SigmoidBlock& b) {
  double w = 0;
  for (const approx::Channel& ch : b.channels)
    for (const Term& t : ch.sum.terms)
      w = std::max({w, std::fabs(to_double(t.a)), std::fabs(to_double(t.b)), std::fabs(to_double(ch.scale * t.c))});
  return w;
}

double max_value_weight(const SigmoidBlock& b) {
  double w = 0;
  for (const approx::Channel& ch : b.channels)
    for (const Term& t : ch.sum.terms) w = std::max(w, std::fabs(to_double(ch.scale * t.c)));
  return w;
}

std::string width_text(const SigmoidBlock& b) {
  std::string out;
  for (std::size_t i = 0; i < b.channels.size(); ++i) {
    if (i) out += ",";
    out += to_string(b.channels[i].sum.width_factor);
  }
  return (b.construction == Construction::Staircase ? "alpha=" : "beta=") + out;
}

json verify_sigmoid_json(const cert::VerifyResult& r) {
  const std::string range = range_text(r.target.lo, r.target.hi);
  const cert::VerifyRow& b = r.rows[r.binding];
  json j{{"lemma", "sigmoid"},
         {"f", target_name(r.target.kind)},
         {"range", range},
         {"terms", r.terms},
         {"construction", r.construction},
         {"scalar", r.scalar.name()},
         {"seed", r.seed},
         {"trials", r.trials},
         {"points", b.error.points},
         {"max_error", number_or_null(b.error.max_error)},
         {"bound", number_or_null(b.bound.total)},
         {"ratio", number_or_null(b.ratio)},
         {"binding", construction_name(b.construction)},
         {"verdict", !r.all_hold ? "violated"
                     : std::all_of(r.rows.begin(), r.rows.end(), [](const cert::VerifyRow& row) { return std::isfinite(row.bound.total); })
                         ? "holds"
                         : "vacuous"}};
  j["results"] = json::array();
  for (const cert::VerifyRow& row : r.rows) j["results"].push_back(row_json(row));
  return j;
}

void print_verify_sigmoid(std::ostream& out, const cert::VerifyResult& r) {
  const std::string range = range_text(r.target.lo, r.target.hi);
  out << fmt::format("verify sigmoid: f = {} on {}, m = {} terms, scalar {}, {} points ({} grid + {} random)\n",
                           target_name(r.target.kind), range, r.terms, r.scalar.name(), r.rows.front().error.points,
                           grid_points(r.terms), r.trials);
  out << fmt::format("{:<12} {:>6} {:>14} {:>10} {:>11} {:>11} {:>11} {:>11} {:>10} {:>7}  {}\n", "construction", "heads",
                           "width", "max|c|", "max error", "bound", "approx.", "rounding", "kind", "ratio", "verdict");
  for (const cert::VerifyRow& row : r.rows)
    out << fmt::format("{:<12} {:>6} {:>14} {:>10} {:>11} {:>11} {:>11} {:>11} {:>10} {:>7}  {}\n",
                             construction_name(row.construction), row.block.heads(), width_text(row.block), sci(max_value_weight(row.block), 2),
                             sci(row.error.max_error), sci(row.bound.total), sci(row.bound.approximation), sci(row.bound.rounding),
                             row.bound.certified ? "certified" : "proved", fmt::format("{:.3f}", row.ratio),
                             !row.holds ? "VIOLATED" : (std::isfinite(row.bound.total) ? "holds" : "VACUOUS"));
  const bool vacuous = std::any_of(r.rows.begin(), r.rows.end(), [](const cert::VerifyRow& row) { return !std::isfinite(row.bound.total); });
  if (vacuous && r.all_hold)
    out << "vacuous: a bound is infinite, so nothing is verified (not a pass)\n";
  else
    out << (r.all_hold ? "holds" : "violated") << ": the largest observed error is " << (r.all_hold ? "within" : "NOT within")
        << " the bound (Theorem 2 / certificate + Theorem 3, proofs/sigmoid.md)\n";
  for (const cert::VerifyRow& row : r.rows)
    if (!std::isfinite(row.bound.total))
      out << "note: the " << construction_name(row.construction) << " bound is infinite at " << r.scalar.name()
                << ": Theorem 3 assumes no overflow (scores, weights and sums below half the largest finite value)"
                << " or k u < 1; nothing is claimed\n";
}

json search_terms_json(const cert::SearchTermsResult& r) {
  json j{{"f", target_name(r.target.kind)}, {"range", range_text(r.target.lo, r.target.hi)}, {"error", r.error}, {"scalar", r.scalar.name()},
         {"max_terms", r.max_terms}, {"max_fitted_terms", r.max_fitted_terms}};
  for (const cert::ConstructionTerms& ct : r.constructions) {
    const cert::SmallestTerms& t = ct.terms;
    const double E = r.error;
    json cj{{"terms_by_bound", opt_json(t.by_bound)},
            {"bound_at_terms_by_bound", number_or_null(t.bound_at)},
            {"terms_measured", opt_json(t.measured)},
            {"search_cap", t.cap},
            {"bound_kind", ct.construction == Construction::Staircase ? "proved (a priori)" : "certified"}};
    if (ct.error_at_measured) cj["error_at_terms_measured"] = number_or_null(*ct.error_at_measured);
    if (ct.precision) {
      const cert::PrecisionResult& pr = *ct.precision;
      cj["precision"] = {{"terms", pr.terms},
                         {"bits_measured", opt_json(pr.bits_measured)},
                         {"bits_predicted", opt_json(pr.bits_predicted)},
                         {"approximation_bound", number_or_null(pr.approximation)}};
      json fj = json::array();
      for (const auto& f : pr.formats)
        fj.push_back({{"scalar", f.scalar}, {"max_error", number_or_null(f.max_error)}, {"ok", f.max_error <= E},
                      {"bound", number_or_null(f.bound)}, {"bound_ok", f.bound <= E}});
      cj["formats"] = fj;
    }
    j[construction_name(ct.construction)] = cj;
  }
  return j;
}

void print_search_terms(std::ostream& out, const cert::SearchTermsResult& r) {
  out << fmt::format("search terms: f = {} on {}, error {}, scalar {}\n", target_name(r.target.kind), range_text(r.target.lo, r.target.hi),
                           sci(r.error), r.scalar.name());
  const nlohmann::json j = search_terms_json(r);
  for (const cert::ConstructionTerms& ct : r.constructions) {
    const Construction c = ct.construction;
    const nlohmann::json& cj = j[construction_name(c)];
    auto show = [](const nlohmann::json& v) { return v.is_null() ? std::string("not found") : v.dump(); };
    out << fmt::format("{}:\n  smallest m by bound ({}): {}   (bound {})\n  smallest m measured at {}: {}   (search cap {})\n",
                             construction_name(c), cj["bound_kind"].get<std::string>(), show(cj["terms_by_bound"]),
                             cj["bound_at_terms_by_bound"].is_null() ? "-" : sci(cj["bound_at_terms_by_bound"].get<double>()),
                             r.scalar.name(), show(cj["terms_measured"]), cj["search_cap"].get<int>());
    if (cj.contains("precision")) {
      const nlohmann::json& p = cj["precision"];
      const std::string predicted =
          p["bits_predicted"].is_null()
              ? fmt::format("none (the approximation bound {} alone is above the target at this m)",
                            p["approximation_bound"].is_null() ? "inf" : sci(p["approximation_bound"].get<double>()))
              : p["bits_predicted"].dump() + " bits";
      out << fmt::format("  at m = {}: smallest MPFR precision measured {}, predicted by the bounds {}\n", p["terms"].get<int>(),
                               p["bits_measured"].is_null() ? std::string("not found up to 1024 bits") : p["bits_measured"].dump() + " bits",
                               predicted);
      out << "  formats (measured error / bound):";
      for (const auto& f : cj["formats"])
        out << fmt::format("  {} {} / {} {}", f["scalar"].get<std::string>(),
                                 f["max_error"].is_null() ? "inf" : sci(f["max_error"].get<double>(), 2),
                                 f["bound"].is_null() ? "inf" : sci(f["bound"].get<double>(), 2), f["ok"].get<bool>() ? "ok" : "no");
      out << "\n";
    }
  }
}

}  // namespace loopcert::report
