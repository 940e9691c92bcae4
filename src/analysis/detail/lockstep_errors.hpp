// Error measures of the lockstep driver, per scalar: the state drift against the
// adapter's expected entries, |x - ideal| taken wider than T where T is wider than
// double, the exact value of an entry in MPFR (for the decomposition), and the rows each
// layer writes.
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <type_traits>
#include <vector>

#include "compile/machine.hpp"
#include "core/mpfr_real.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis::detail {

// Largest |X - ideal| over the state entries. The difference is taken in T, then
// converted, so that drifts far below double's resolution (mpfr:200) are still seen.
template <class T>
double drift(const Matrix<T>& X, const std::vector<compile::StateEntry>& entries) {
  double worst = 0;
  for (const auto& e : entries) worst = std::max(worst, std::abs(ScalarTraits<T>::to_double(T(X(e.row, e.column) - T(e.ideal)))));
  return std::isnan(worst) ? INFINITY : worst;
}

template <class T>
Matrix<double> to_double_matrix(const Matrix<T>& X) {
  Matrix<double> out(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) out(i, j) = ScalarTraits<T>::to_double(X(i, j));
  return out;
}

// |x - ideal| for an exact double `ideal`, +inf for NaN. Taken in T where T is wider
// than double (long double, float128, MPFR, rationals), so tiny errors are still seen.
template <class T>
double abs_error(const T& x, double ideal) {
  double e;
  if constexpr (std::is_same_v<T, MpfrReal>) {
    thread_local MpfrReal scratch;
    mpfr_set_prec(scratch.raw(), std::max<long>(x.precision(), 53) + 2);
    mpfr_sub_d(scratch.raw(), x.raw(), ideal, MPFR_RNDN);
    e = std::abs(mpfr_get_d(scratch.raw(), MPFR_RNDN));
  } else if constexpr (std::is_same_v<T, Rational>) {
    // Fast exact path for integers (almost every entry), no allocation.
    const auto* q = x.backend().data();
    if (mpz_cmp_ui(mpq_denref(q), 1) == 0 && mpz_fits_slong_p(mpq_numref(q)) && ideal == std::trunc(ideal) && std::abs(ideal) < 0x1p62)
      e = std::abs(static_cast<double>(mpz_get_si(mpq_numref(q)) - static_cast<long>(ideal)));
    else
      e = std::abs(loopcert::to_double(Rational(x - Rational(ideal))));
  } else if constexpr (std::is_same_v<T, long double> || std::is_same_v<T, Float128>) {
    e = std::abs(ScalarTraits<T>::to_double(T(x - T(ideal))));
  } else if constexpr (requires { x.value(); }) {
    e = static_cast<double>(std::abs(static_cast<long double>(x.value()) - ideal));  // emulated formats, MPFR emulations
  } else {
    e = std::abs(ScalarTraits<T>::to_double(x) - ideal);  // float, double: exact enough
  }
  return std::isnan(e) ? INFINITY : e;
}

// out = the exact value of x (out has enough precision for every T but MPFR above 256).
template <class T>
void set_mpfr(mpfr_ptr out, const T& x) {
  if constexpr (std::is_same_v<T, MpfrReal>) {
    mpfr_set(out, x.raw(), MPFR_RNDN);
  } else if constexpr (std::is_same_v<T, Rational>) {
    mpfr_set_q(out, x.backend().data(), MPFR_RNDN);
  } else if constexpr (std::is_same_v<T, long double>) {
    mpfr_set_ld(out, x, MPFR_RNDN);
  } else if constexpr (std::is_same_v<T, Float128>) {
    // Three doubles hold all 113 bits: x = d1 + d2 + d3 exactly.
    const double d1 = static_cast<double>(x);
    const Float128 r1 = x - Float128(d1);
    const double d2 = static_cast<double>(r1);
    const double d3 = static_cast<double>(Float128(r1 - Float128(d2)));
    mpfr_set_d(out, d1, MPFR_RNDN);
    mpfr_add_d(out, out, d2, MPFR_RNDN);
    mpfr_add_d(out, out, d3, MPFR_RNDN);
  } else if constexpr (requires { x.value(); }) {
    mpfr_set_ld(out, static_cast<long double>(x.value()), MPFR_RNDN);  // emulated formats, MPFR emulations: exact
  } else {
    mpfr_set_d(out, ScalarTraits<T>::to_double(x), MPFR_RNDN);  // float, double: exact
  }
}

// The first non-finite entry of X in the given rows (ascending), row by row: what
// LoopedTransformer::find_non_finite finds when every other row is finite. After a layer
// that has checked X whole, only the rows the next layer writes can have changed. For
// float and double a row is first tested with a branch-free pass over its bits.
template <class T>
std::optional<NonFinite> find_non_finite_in(const Matrix<T>& X, const std::vector<int>& rows) {
  const Eigen::Index n = X.cols();
  for (int r : rows) {
    const T* row = X.data() + static_cast<Eigen::Index>(r) * n;
    if constexpr (std::is_same_v<T, double>) {
      bool any = false;
      for (Eigen::Index j = 0; j < n; ++j) any |= (std::bit_cast<std::uint64_t>(row[j]) & 0x7FF0000000000000ull) == 0x7FF0000000000000ull;
      if (!any) continue;
    }
    for (Eigen::Index j = 0; j < n; ++j)
      if (!ScalarTraits<T>::is_finite(row[j])) return NonFinite{0, r, static_cast<int>(j), ScalarTraits<T>::to_double(row[j])};
  }
  return std::nullopt;
}

// Rows each layer writes: the value rows of its heads, the W2 rows and the b2 rows.
inline std::vector<std::vector<int>> written_rows(const LoopSpec& loop) {
  std::vector<std::vector<int>> out;
  for (const auto& layer : loop.layers) {
    std::set<int> rows;
    for (const auto& h : layer.heads)
      for (const auto& e : h.value.entries) rows.insert(e.row);
    for (const auto& e : layer.ffn.w2.entries) rows.insert(e.row);
    for (const auto& [row, b] : layer.ffn.b2) rows.insert(row);
    out.emplace_back(rows.begin(), rows.end());
  }
  return out;
}

}  // namespace loopcert::analysis::detail
