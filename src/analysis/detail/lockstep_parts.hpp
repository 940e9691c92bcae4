// The two optional companions of a lockstep run, stepped layer by layer beside X:
// LayerTracker (the ideal hardmax punchcard I, exact in double, evaluated incrementally by
// lockstep_ideal.hpp, and each layer's largest error against it) and Decomposer (the same loop at mpfr:256: the temperature part
// |X_256 - I| and the rounding part |X - X_256|).
#pragma once
#include <cmath>
#include <optional>
#include <type_traits>
#include <vector>

#include "analysis/detail/lockstep_errors.hpp"
#include "analysis/detail/lockstep_ideal.hpp"
#include "analysis/lockstep.hpp"

namespace loopcert::analysis::detail {

class LayerTracker {
 public:
  LayerTracker(const compile::CompiledLoop& c, const std::vector<std::vector<int>>& written)
      : ideal_(c.loop), I_(to_scalar<double>(c.X0)), written_(written),
        errors_(c.loop.layers.size()), peaks_(c.loop.layers.size()) {}

  void start_loop() {
    for (auto& e : errors_) e = LayerError{};
  }
  // Returns whether the written rows of X are known to be finite (double: every entry's
  // |x - ideal| is finite, which an inf or NaN x never gives), so that the run's
  // non-finite scan can skip them.
  template <class T>
  bool after_layer(int l, const Matrix<T>& X) {
    ideal_.apply_layer(l, I_);
    LayerError& out = errors_[l];
    bool finite = std::is_same_v<T, double>;
    for (int r : written_[l]) {
      if constexpr (std::is_same_v<T, double>) {
        // The row's largest error first (branch-free), its first place only if it wins:
        // the same entry as the loop below.
        const double* x = X.data() + r * X.cols();
        const double* ideal = I_.data() + r * X.cols();
        double top = 0;
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
          const double e = std::abs(x[j] - ideal[j]);
          top = e > top || e != e ? (e != e ? INFINITY : e) : top;
        }
        finite &= top < INFINITY;
        if (!(top > out.error || out.row < 0)) continue;
      }
      for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const double e = abs_error(X(r, j), I_(r, j));
        if (e > out.error || out.row < 0) out = {e, r, static_cast<int>(j)};
      }
    }
    return finite;
  }
  void set_non_finite(int l, int row, int column) { errors_[l] = LayerError{INFINITY, row, column}; }
  // After the loop: each layer's peak over the run.
  void end_loop(std::int64_t loop) {
    for (std::size_t l = 0; l < errors_.size(); ++l)
      if (errors_[l].row >= 0 && errors_[l].error > peaks_[l].error.error) peaks_[l] = {errors_[l], loop};
  }
  int worst_layer() const {
    int worst = 0;
    for (int l = 1; l < static_cast<int>(errors_.size()); ++l)
      if (errors_[l].error > errors_[worst].error) worst = l;
    return worst;
  }
  // The first layer whose error exceeds the tolerance, else the largest.
  int first_above(double tolerance) const {
    for (int l = 0; l < static_cast<int>(errors_.size()); ++l)
      if (errors_[l].error > tolerance) return l;
    return worst_layer();
  }
  const std::vector<LayerError>& errors() const { return errors_; }
  const Matrix<double>& ideal() const { return I_; }

  std::vector<LayerPeak> peaks(const LoopSpec& loop, const Layout& layout) const;

 private:
  struct PeakAt {
    LayerError error{-1, -1, -1};
    std::int64_t loop = 0;
  };
  IdealReference ideal_;  // the engine's hardmax values, recomputed where the columns changed
  Matrix<double> I_;
  const std::vector<std::vector<int>>& written_;
  std::vector<LayerError> errors_;
  std::vector<PeakAt> peaks_;
};

inline std::vector<LayerPeak> LayerTracker::peaks(const LoopSpec& loop, const Layout& layout) const {
  std::vector<LayerPeak> out;
  for (std::size_t l = 0; l < peaks_.size(); ++l) {
    LayerPeak p;
    p.layer = loop.layers[l].name;
    p.index = static_cast<int>(l);
    if (peaks_[l].error.row >= 0) {
      p.error = peaks_[l].error.error;
      p.loop = peaks_[l].loop;
      p.row = layout.describe_row(peaks_[l].error.row);
      p.column = layout.describe_column(peaks_[l].error.column);
    }
    out.push_back(std::move(p));
  }
  return out;
}

class Decomposer {
 public:
  Decomposer(const compile::CompiledLoop& c, const Rational& lambda, const std::vector<std::vector<int>>& written)
      : tf_(high_tf(c, lambda)), H_(high_X0(c)), written_(written) {
    parts_.temperature_layers.assign(c.loop.layers.size(), 0);
    parts_.rounding_layers.assign(c.loop.layers.size(), 0);
    mpfr_init2(diff_, 320);
  }
  ~Decomposer() { mpfr_clear(diff_); }
  Decomposer(const Decomposer&) = delete;
  Decomposer& operator=(const Decomposer&) = delete;

  // After layer l of X (and of the ideal I, if tracked).
  template <class T>
  void after_layer(int l, const Matrix<T>& X, const Matrix<double>* I) {
    {
      MpfrPrecisionScope scope(256);
      tf_.apply_layer(l, H_);
    }
    double& temperature = parts_.temperature_layers[l];
    double& rounding = parts_.rounding_layers[l];
    for (int r : written_[l])
      for (Eigen::Index j = 0; j < X.cols(); ++j) {
        if (I) temperature = std::max(temperature, abs_error(H_(r, j), (*I)(r, j)));
        rounding = std::max(rounding, rounding_error(X(r, j), H_(r, j)));
      }
  }
  // After the loop and the reference's step: the two parts over the state entries.
  template <class T>
  void after_loop(std::int64_t loop, const Matrix<T>& X, const std::vector<compile::StateEntry>& entries,
                  compile::MachineAdapter& machine, double tolerance) {
    {
      MpfrPrecisionScope scope(256);
      const double t = drift(H_, entries);
      parts_.temperature_final = t;
      parts_.temperature_max = std::max(parts_.temperature_max, t);
      if (parts_.high_agrees) parts_.high_agrees = !machine.compare(to_double_matrix(H_), tolerance, false);
    }
    double worst = 0;
    for (const auto& e : entries) worst = std::max(worst, rounding_error(X(e.row, e.column), H_(e.row, e.column)));
    parts_.rounding_final = worst;
    if (worst > parts_.rounding_max || parts_.rounding_max_loop == 0) {
      parts_.rounding_max = worst;
      parts_.rounding_max_loop = loop;
    }
  }
  const ErrorParts& parts() const { return parts_; }

 private:
  static LoopedTransformer<MpfrReal> high_tf(const compile::CompiledLoop& c, const Rational& lambda) {
    MpfrPrecisionScope scope(256);
    return instantiate<MpfrReal>(c.loop, AttentionMode::Softmax, lambda);
  }
  static Matrix<MpfrReal> high_X0(const compile::CompiledLoop& c) {
    MpfrPrecisionScope scope(256);
    return to_scalar<MpfrReal>(c.X0);
  }
  template <class T>
  double rounding_error(const T& x, const MpfrReal& h) {
    set_mpfr(diff_, x);
    mpfr_sub(diff_, diff_, h.raw(), MPFR_RNDN);
    const double e = std::abs(mpfr_get_d(diff_, MPFR_RNDN));
    return std::isnan(e) ? INFINITY : e;
  }

  LoopedTransformer<MpfrReal> tf_;
  Matrix<MpfrReal> H_;
  const std::vector<std::vector<int>>& written_;
  ErrorParts parts_;
  mpfr_t diff_;
};

}  // namespace loopcert::analysis::detail
