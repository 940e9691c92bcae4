// Running the sigmoid block (blocks/sigmoid.hpp) with the engine, and its error against
// the target: the measured side of `verify sigmoid`, `search terms` and the properties.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "approx/target.hpp"
#include "blocks/sigmoid.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"
#include "tf/transformer.hpp"

namespace loopcert::analysis {

// Evaluates the block with LoopedTransformer<T> (instantiate + apply_layer), reusing one
// matrix of `punchcards` independent punchcards side by side, each holding `batch` points
// (apply_layer_batch: attention stays inside each punchcard, and every punchcard's result
// is bit for bit what it gives on its own). Each call writes the inputs into the point
// columns, clears the output row and applies the layer. Instantiated for float, double,
// long double, float128, MpfrReal and the emulated formats (bf16, fp16, tf32, fp8e4m3,
// fp8e5m2).
template <class T>
class BlockEvaluator {
 public:
  explicit BlockEvaluator(const blocks::SigmoidBlock& block, int batch = 1, int punchcards = 1);
  // One point (in point column 0 of punchcard 0). The whole batch is evaluated, so for
  // one point at a time construct the evaluator with punchcards = 1.
  T operator()(const T& x, const T& y);
  T operator()(const T& x) { return (*this)(x, T(0)); }
  // points() points at once, point k in point column k % batch() of punchcard
  // k / batch(): out[k] = block(xs[k], ys[k]); ys may be null for one input.
  void operator()(const T* xs, const T* ys, T* out);
  int batch() const { return batch_; }
  int punchcards() const { return punchcards_; }
  int points() const { return batch_ * punchcards_; }

 private:
  LoopedTransformer<T> tf_;
  Matrix<T> X_;
  int batch_, punchcards_, columns_, x_row_, y_row_, out_row_;
  Eigen::Index point_column(int k) const { return static_cast<Eigen::Index>(k / batch_) * columns_ + k % batch_; }
};

struct Point {
  Rational x, y;
};
// Grid points (equally spaced, ends included; a g x g grid with g*g >= grid for x*y)
// and `random` points at dyadic fractions of the range (seeded, reproducible).
std::vector<Point> sample_points(const approx::Target& target, int grid, int random, std::uint64_t seed);

// One evaluated point: the inputs as the scalar holds them and the block's output, both
// exactly. Points whose rounded input leaves [lo, hi] are dropped (the bounds are for
// inputs in range).
struct Sample {
  Rational x, y, out;
  bool finite = true;
};

// Runs the block at a scalar: float, double, long-double, float128, mpfr:P and the emulated
// formats (bf16, fp16, tf32, fp8e4m3, fp8e5m2). Others: std::invalid_argument.
// `on_points` (optional, issue 16's progress): points evaluated so far and in all, after
// each batch of punchcards.
std::vector<Sample> evaluate(const blocks::SigmoidBlock& block, const std::vector<Point>& points, const ScalarSpec& scalar,
                             const std::function<void(std::size_t done, std::size_t total)>& on_points = {});
// Empty when the scalar can run the block, else the reason.
std::string unsupported_reason(const ScalarSpec& scalar);

struct ErrorSummary {
  double max_error = 0;  // rounded up; +inf if an output is not finite
  Point argmax;
  int points = 0;
  bool finite = true;
};
// max |out - target(x, y)| over the samples, computed in MPFR at 320 bits (or the
// scalar's precision + 64 if higher).
ErrorSummary measure(const approx::Target& target, const std::vector<Sample>& samples, long precision = 320);

}  // namespace loopcert::analysis
