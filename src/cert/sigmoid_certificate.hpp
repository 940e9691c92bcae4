// The a-posteriori certificate of a fitted sum of sigmoids (proofs/sigmoid.md, section
// 5), the seed of the certificates (issue 15): max over [lo, hi] of |f - g| for exact
// weights, by a Taylor model with Lagrange remainder on each cell in MPFI and branch and
// bound. And the block's bound, which adds the column compensation and Theorem 3.
#pragma once
#include <cmath>
#include <functional>

#include "approx/function.hpp"
#include "approx/sigmoid_sum.hpp"
#include "blocks/sigmoid.hpp"
#include "bounds/sigmoid.hpp"

namespace loopcert::cert {

// The Taylor model has order `order`, MPFI runs at `precision` bits; the cell with the
// largest enclosure is bisected until that enclosure is within relative_tolerance of the
// largest certified point error (or the cell budget runs out: converged = false, the
// bound still holds). Table functions are split at their knots. MPFI variables carry
// their own precision (mpfi_init2); no global MPFR/MPFI default is read or changed.
struct CertifyOptions {
  double relative_tolerance = 0.01;
  double absolute_tolerance = 1e-30;  // also stop when bound - lower <= this
  long precision = 128;
  int order = 6;
  long max_cells = 200000;
  // > 0: stop as soon as the question "max |f - g| <= target?" is settled (the bound is
  // at most target, or a certified point error exceeds it); the bound still holds.
  double target = 0;
  // Optional progress (issue 16, item 3): cells evaluated so far, and the most there can
  // be (max_cells per certificate, times the channels of a block), every 64 cells.
  std::function<void(long cells, long at_most)> on_cells;
  // Optional progress of the fit before it (verify_block passes it to the build): the
  // candidate widths fitted so far, of how many (approx::FitProgress).
  approx::FitProgress on_fit_width;
  // Optional progress of the measurement after it (verify_block: every construction's
  // points evaluated at the scalar so far, of how many).
  std::function<void(std::size_t done, std::size_t total)> on_points;
};
struct Certificate {
  double bound = INFINITY;  // max |f - g| <= bound
  double lower = 0;         // max |f - g| >= lower (attained at a cell midpoint)
  long cells = 0;           // cells evaluated
  bool converged = false;
};
Certificate certify(const approx::Univariate& f, const approx::SigmoidSum& g, const CertifyOptions& options = {});

// The block's bound: sum over channels of |scale| * (Theorem 2 or the certificate), plus
// the column-compensation term sum |c_i| delta / 4, plus Theorem 3 at the scalar.
struct BlockBound {
  double approximation = INFINITY;
  double rounding = INFINITY;
  double total = INFINITY;
  bool certified = false;  // fitted: a posteriori; staircase: a priori (proved)
  bool converged = true;
  long cells = 0;
  double lower = 0;  // fitted: certified lower bound on the exact-arithmetic error
};
BlockBound block_bound(const blocks::SigmoidBlock& block, const bounds::RoundingModel& model, const CertifyOptions& options = {});

}  // namespace loopcert::cert
