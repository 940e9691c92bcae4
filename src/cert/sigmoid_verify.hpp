// `verify sigmoid` as data: the block built for each construction, evaluated with the
// engine at a scalar (analysis/sigmoid_eval.hpp) and compared with its bound (Theorem 2
// or the certificate, plus Theorem 3). In cert/ because the fitted bound is the MPFI
// certificate (cert/sigmoid_certificate.hpp), which sits above analysis.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sigmoid_eval.hpp"
#include "approx/sigmoid_sum.hpp"
#include "approx/target.hpp"
#include "blocks/sigmoid.hpp"
#include "cert/sigmoid_certificate.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cert {

// Grid points of a measurement at m terms: 1024 + 8m (m capped at 8192).
int grid_points(int m);
// The MPFR precision the error is measured at: 320 bits, or the scalar's + 64.
long measure_precision(const ScalarSpec& scalar);
// Build options whose fitted width trades the grid error against Theorem 3 at `scalar`.
blocks::BuildOptions build_options(const ScalarSpec& scalar);

struct VerifyRow {
  approx::Construction construction = approx::Construction::Staircase;
  blocks::SigmoidBlock block;
  analysis::ErrorSummary error;
  BlockBound bound;
  bool holds = false;
  double ratio = 0;  // max error / bound (0 for an infinite bound)
};
// One construction at m terms: grid_points(m) grid points plus `trials` random ones.
// An infinite bound claims nothing (Theorem 3's no-overflow hypothesis fails): the row
// then holds (vacuously).
// `certify`: the certificate's options (its progress callback, for the command line).
VerifyRow verify_block(const approx::Target& target, approx::Construction c, int m, const ScalarSpec& scalar, int trials,
                       std::uint64_t seed, const CertifyOptions& certify = {});

struct VerifyResult {
  approx::Target target;
  int terms = 0;
  std::string construction;  // as given: staircase, fitted or both
  ScalarSpec scalar;
  int trials = 0;
  std::uint64_t seed = 1;
  std::vector<VerifyRow> rows;
  bool all_hold = true;
  std::size_t binding = 0;  // the row with the largest error / bound ratio
};
// Every construction in `constructions` (progress on stderr).
VerifyResult verify_sigmoid(const approx::Target& target, const std::vector<approx::Construction>& constructions,
                            const std::string& construction_text, int m, const ScalarSpec& scalar, int trials, std::uint64_t seed,
                            const CertifyOptions& certify = {});

}  // namespace loopcert::cert
