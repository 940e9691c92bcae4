// The transformer at IntervalScalar (core/interval_scalar.hpp): the engine's own
// templates, evaluated on MPFI intervals widened by a target scalar's rounding model, so
// that the result encloses what the target computes (issue 15, the interval
// certificate). Three kernels differ from the generic ones, declared before the
// evaluator's templates so that its qualified calls pick them:
//  - dot products and the softmax's sum are enclosed for *any* summation order (Eigen's
//    vectorised reductions at float and double add in lanes, not in order);
//  - the stable softmax subtracts the hull of the row's maximum (the target subtracts
//    its own computed maximum, which lies in that hull) and its exp is the target exp's
//    model (bounds::exp_model, via the RoundingModel);
//  - hardmax is refused: the interval evaluation encloses softmax attention.
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

#include "core/interval_scalar.hpp"
#include "tf/matrix.hpp"

namespace loopcert::detail {

inline IntervalScalar dot(const IntervalScalar* a, const IntervalScalar* b, Eigen::Index n) {
  return IntervalScalar::target_dot(a, b, n);
}

inline void softmax_row(IntervalScalar* s, Eigen::Index n, const IntervalScalar& lambda) {
  for (Eigen::Index i = 0; i < n; ++i) s[i] *= lambda;
  const IntervalScalar top = IntervalScalar::max_of(s, n);
  for (Eigen::Index i = 0; i < n; ++i) s[i] = IntervalScalar::target_exp(s[i] - top);
  thread_local std::vector<IntervalScalar> ones;
  if (static_cast<Eigen::Index>(ones.size()) < n) ones.assign(n, IntervalScalar(1));
  const IntervalScalar total = IntervalScalar::target_dot(s, ones.data(), n);  // the sum, in any order
  for (Eigen::Index i = 0; i < n; ++i) s[i] /= total;
}

// The feed-forward's equal-columns shortcut (tf/feed_forward.hpp) is off for intervals:
// equal boxes are not equal values, and the full pass encloses every column on its own.
inline bool dedup_allowed(const loopcert::Matrix<IntervalScalar>&) { return false; }

inline void hardmax_row(IntervalScalar*, Eigen::Index) {
  throw std::invalid_argument("the interval evaluation encloses softmax attention only (not hardmax)");
}

}  // namespace loopcert::detail

namespace loopcert::kernels {

// The zero products the fast evaluator skips are skipped by target_dot too.
inline IntervalScalar sparse_dot(const IntervalScalar* a, const int*, int, const IntervalScalar* w, long n) {
  return IntervalScalar::target_dot(a, w, n);
}
inline void softmax_row_repeat(IntervalScalar* s, Eigen::Index n, const IntervalScalar& lambda) { detail::softmax_row(s, n, lambda); }

}  // namespace loopcert::kernels

#include "tf/instantiate.hpp"
#include "tf/transformer_impl.hpp"

namespace loopcert {
LOOPCERT_INSTANTIATE_TRANSFORMER(IntervalScalar)
}  // namespace loopcert
