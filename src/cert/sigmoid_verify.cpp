// `verify sigmoid` as data (cert/sigmoid_verify.hpp).
#include "cert/sigmoid_verify.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "analysis/sigmoid_bound_inputs.hpp"

namespace loopcert::cert {

using approx::Construction;
using approx::Target;

int grid_points(int m) { return 1024 + 8 * std::min(m, 8192); }

long measure_precision(const ScalarSpec& s) { return s.kind == ScalarKind::Mpfr ? std::max(320L, s.precision + 64) : 320; }

blocks::BuildOptions build_options(const ScalarSpec& scalar) {
  blocks::BuildOptions o;
  const bounds::RoundingModel model = bounds::rounding_model(scalar);
  const blocks::SigmoidColumns columns = o.columns;
  o.fitted_penalty = [model, columns](const approx::Channel& ch) {
    return bounds::rounding_bound(analysis::rounding_inputs({ch}, columns), model);
  };
  return o;
}

VerifyRow verify_block(const Target& target, Construction c, int m, const ScalarSpec& scalar, int trials, std::uint64_t seed,
                       const CertifyOptions& certify) {
  VerifyRow row;
  row.construction = c;
  blocks::BuildOptions build = build_options(scalar);
  build.on_fit_width = certify.on_fit_width;
  row.block = blocks::build_block(target, c, m, build);
  row.bound = block_bound(row.block, bounds::rounding_model(scalar), certify);
  const auto points = analysis::sample_points(target, grid_points(m), trials, seed);
  row.error = analysis::measure(target, analysis::evaluate(row.block, points, scalar, certify.on_points), measure_precision(scalar));
  row.holds = !std::isfinite(row.bound.total) || (row.error.finite && row.error.max_error <= row.bound.total);
  row.ratio = !std::isfinite(row.bound.total) ? 0
              : row.bound.total > 0           ? row.error.max_error / row.bound.total
                                              : (row.error.max_error > 0 ? INFINITY : 0);
  return row;
}

VerifyResult verify_sigmoid(const Target& target, const std::vector<Construction>& constructions, const std::string& construction_text,
                            int m, const ScalarSpec& scalar, int trials, std::uint64_t seed, const CertifyOptions& certify) {
  VerifyResult r;
  r.target = target;
  r.terms = m;
  r.construction = construction_text;
  r.scalar = scalar;
  r.trials = trials;
  r.seed = seed;
  for (Construction c : constructions) {
    if (c == Construction::Fitted)
      std::cerr << "verify sigmoid: fitting " << m << " terms by least squares on " << 8 * m + 64 << " points, certifying them (at most "
                << certify.max_cells << " cells per channel), measuring " << grid_points(m) << " + " << trials << " points...\n";
    r.rows.push_back(verify_block(target, c, m, scalar, trials, seed, certify));
  }
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    r.all_hold = r.all_hold && r.rows[i].holds;
    if (!(r.rows[i].ratio <= r.rows[r.binding].ratio)) r.binding = i;
  }
  return r;
}

}  // namespace loopcert::cert
