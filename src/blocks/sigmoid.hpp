// The sigmoid lemma (proofs/sigmoid.md): non-linear functions from softmax attention.
//
// 1. Two-entry softmax is a sigmoid. A head whose query column sees A "anchor" key
//    columns scoring z = a u + b and F "filler" columns scoring 0 puts the weight
//    A e^z / (A e^z + F) = sigma(z + log(A/F)) on the anchors. With A = F (the default:
//    one anchor column, and the point column itself as the only filler) this is
//    exactly sigma(a u + b), with exact rational weights and lambda = 1.
//    The paper's variant (one anchor, k-1 fillers, bias -log(k-1)) needs an irrational
//    bias; `SigmoidColumns` offers it with the bias rounded to a multiple of 2^-64 and
//    the resulting deviation carried into every bound (column_compensation_error).
// 2. Sums of sigmoids: one head per term (m heads in one layer). A softmax couples all
//    the columns it normalises over, so one head yields one sigmoid per query column;
//    m independent sigmoids of the same point need m normalisers. One head with m
//    filler groups would need each query copy to ignore the other groups, which only a
//    large score separation (an inexact softmax leak) can do. The constant c0 is the
//    FFN bias b2 of the same layer.
// 3. Targets on [lo, hi]: the staircase (steps at grid midpoints, sharpness alpha/h;
//    a-priori bound in bounds/sigmoid.hpp) and the fitted sum (centres on a
//    grid, sharpness beta/h, weights by least squares; certified a posteriori).
//
// The block reads the rows x (and y), one and anchor and writes the row out of a
// Layout; the standalone punchcard (sigmoid_layout / BlockEvaluator) has the point
// column first, then F-1 extra filler columns, then the A anchor columns (for P points
// at once: P F fillers, the first P of them point columns, then P A anchors).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/mpfr_real.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"
#include "tf/layer_spec.hpp"
#include "tf/layout.hpp"
#include "tf/transformer.hpp"

namespace loopcert::sigmoid {

// ---------------------------------------------------------------------------------
// One-dimensional functions on [lo, hi] (the building blocks of every target).

enum class FunctionKind { Square, Reciprocal, Sqrt, Exp, Sigmoid, Table };

struct Knot {
  Rational x, y;
};

struct Univariate {
  FunctionKind kind = FunctionKind::Square;
  Rational lo = -1, hi = 1;
  std::vector<Knot> knots;  // Table: strictly increasing x, covering [lo, hi]
};

// f(x) in long double (least squares, grid estimates).
long double evaluate_ld(const Univariate& f, long double x);
// f(x) at the current MPFR precision (correctly rounded except sigmoid and table, which
// are within a few ulps); x exact.
MpfrReal evaluate_mpfr(const Univariate& f, const MpfrReal& x);
// f(x) exactly, when it is rational at rational x (square, 1/x, table).
std::optional<Rational> evaluate_exact(const Univariate& f, const Rational& x);

// ---------------------------------------------------------------------------------
// Targets: what `--f NAME` names.

enum class TargetKind { Square, Product, Reciprocal, Sqrt, Exp, Sigmoid, Table };

struct Target {
  TargetKind kind = TargetKind::Square;
  Rational lo = -1, hi = 1;  // range of x (for x*y: of x and of y)
  std::vector<Knot> knots;   // Table
  int inputs() const { return kind == TargetKind::Product ? 2 : 1; }
};

std::string target_name(TargetKind kind);  // "x^2", "x*y", "1/x", "sqrt", "exp", "sigmoid", "table"
std::string target_names_help();            // for messages and --help
// Accepts the names above and a few aliases (square, product, xy, inv, reciprocal).
// Throws std::invalid_argument("unknown function 'cos' (expected one of ...)").
TargetKind parse_target_kind(const std::string& text);
// The default range of each function (unit size; the staircase bound at m = 64 is below
// 0.05 there). Table: the table's own x-range (throws for Table).
std::pair<Rational, Rational> default_range(TargetKind kind);
// "LO..HI" (numbers as parse_rational accepts them). Throws std::invalid_argument.
std::pair<Rational, Rational> parse_range(const std::string& text);
std::string range_text(const Rational& lo, const Rational& hi);  // "-1..1"
// A table of (x, y) points, one per line ("x y" or "x,y"; '#' starts a comment; an
// optional header line). At least two points, strictly increasing x. `source` names the
// table in messages ("FILE:LINE:COL: ..."). Throws std::invalid_argument.
std::vector<Knot> parse_table(const std::string& text, const std::string& source);
std::vector<Knot> read_table(const std::string& path);
// Checks the range against the function (1/x and sqrt need 0 < lo; a table range must
// lie inside the table). No range: the default. Throws std::invalid_argument.
Target make_target(TargetKind kind, std::optional<std::pair<Rational, Rational>> range, std::vector<Knot> knots = {});
// The target at (x, y), exactly when rational, else at the current MPFR precision.
MpfrReal evaluate_target(const Target& target, const Rational& x, const Rational& y);

// ---------------------------------------------------------------------------------
// Sums of sigmoids c0 + sum_i c_i sigma(a_i u + b_i), exact rational weights.

struct Term {
  Rational a, b, c;
};

struct SigmoidSum {
  Rational c0;
  std::vector<Term> terms;
  // Staircase: max |y~_k - f(x_k)| of the node values rounded to rationals (the epsilon
  // of proofs/sigmoid.md, Theorem 2); 0 when they are exact.
  double node_error = 0;
  // The sharpness times the grid step: alpha (staircase) or beta (fitted).
  Rational width_factor;
};

long double sigma_ld(long double z);  // the logistic function in long double (stable form)
long double evaluate_ld(const SigmoidSum& g, long double u);
// Largest |f - g| on `points` equally spaced points of [lo, hi], in long double. An
// estimate (used to choose the fitted width), never a bound.
double grid_error(const Univariate& f, const SigmoidSum& g, int points);

enum class Construction { Staircase, Fitted };
std::string construction_name(Construction c);  // "staircase" / "fitted"

// The staircase's sharpness factor: s = alpha / h with h = (hi - lo) / m. alpha = 6
// is within 2.2% of the minimum of kappa(alpha) + rho(alpha) of Theorem 2 (0.1192 vs 0.1167).
Rational default_staircase_alpha();
// Theorem 2's staircase: nodes x_k = lo + k h (k = 0..m), steps of height
// y_k - y_{k-1} at t_k = lo + (k - 1/2) h, sharpness alpha / h, c0 = y_0.
SigmoidSum staircase(const Univariate& f, int m, const Rational& alpha);

// Fitted: centres t_i = lo + (i - 1/2) h (i = 1..m), sharpness beta / h, weights c0, c_i
// by least squares (Eigen, column-pivoting QR in long double) on 8m + 64 Chebyshev
// points (plus the knots of a table). The weights become exact rationals (the long
// double values exactly).
SigmoidSum fit(const Univariate& f, int m, const Rational& beta);
// Candidate widths: wider sigmoids (small beta) fit better but need larger weights.
std::vector<Rational> default_fit_betas();  // 1/8, 1/4, 1/2, 1, 2

// ---------------------------------------------------------------------------------
// The block.

struct SigmoidRows {
  std::string x = "x", y = "y", one = "one", anchor = "anchor", out = "out";
};

// Column roles of the punchcard the block runs on. `fillers` counts the point column.
struct SigmoidColumns {
  int anchors = 1;
  int fillers = 1;
  bool balanced() const { return anchors == fillers; }
  int columns() const { return anchors + fillers; }
};
// The key bias added to every head: 0 when balanced, else a multiple of 2^-64 within
// column_compensation_error() of log(fillers / anchors).
Rational column_compensation(const SigmoidColumns& columns);
double column_compensation_error(const SigmoidColumns& columns);

// One sum of sigmoids applied to a linear combination of input rows.
struct Channel {
  std::vector<std::pair<int, Rational>> input;  // (0 = x, 1 = y; coefficient): u = sum coeff * row
  Univariate f;                                 // what the sum approximates, on the range of u
  SigmoidSum sum;
  Rational scale = 1;      // the channel adds scale * (c0 + sum) to the output row
  Rational input_abs = 1;  // U: sum |coeff| * max(|lo|, |hi|) over the inputs (rounding bound)
};

// The channels of a target, with empty sums: x*y is ((x+y)^2 - (x-y)^2)/4, two square
// channels on [2lo, 2hi] and [lo-hi, hi-lo] with scales 1/4 and -1/4.
std::vector<Channel> target_channels(const Target& target);

// One layer: one head per term of every channel, lambda = 1, key dimension 1: the query
// is the score itself, a * (sum coeff * input) + (b + compensation) * one; the key is the
// anchor indicator (1 on anchors, 0 on fillers); the value writes scale * c * anchor to
// out. Plus the FFN bias sum scale * c0 on out. Reads x (y), one, anchor; writes out.
LayerSpec sigmoid_layer(const Layout& layout, const std::vector<Channel>& channels, const SigmoidColumns& columns = {},
                        const SigmoidRows& rows = {});

// Rows x, (y), one, anchor, out. The Layout class always has three column regions (a
// SUBLEQ notion); the sigmoid punchcard's columns are SigmoidColumns instead, so the
// regions here are placeholders.
Layout sigmoid_layout(int inputs);

struct BuildOptions {
  Rational alpha = default_staircase_alpha();
  std::vector<Rational> betas = default_fit_betas();
  // Fitted: extra cost added to the grid error estimate when choosing beta, e.g. the
  // rounding bound at the target scalar (bounds/sigmoid.hpp). Null: none.
  std::function<double(const Channel&)> fitted_penalty;
  SigmoidColumns columns;
};

struct SigmoidBlock {
  Target target;
  Construction construction = Construction::Staircase;
  int terms = 0;  // per channel (x*y has two channels, so 2 * terms heads)
  std::vector<Channel> channels;
  SigmoidColumns columns;
  Layout layout = sigmoid_layout(1);
  LoopSpec loop;  // one layer
  int heads() const { return loop.head_count(); }
};

// Throws std::invalid_argument for m < 1.
SigmoidBlock build_block(const Target& target, Construction construction, int m, const BuildOptions& options = {});

// ---------------------------------------------------------------------------------
// Running the block with the engine.

// The exact punchcard of the block for `batch` points: batch * F filler columns (the
// first `batch` of them are the point columns, x = y = 0 for now), then batch * A anchor
// columns. The point columns are fillers for each other, and A/F is unchanged, so every
// point column computes the same function (Theorem 1); Theorem 3 then has n = batch (A+F).
Matrix<Rational> initial_punchcard(const SigmoidBlock& block, int batch = 1);

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
  explicit BlockEvaluator(const SigmoidBlock& block, int batch = 1, int punchcards = 1);
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
std::vector<Point> sample_points(const Target& target, int grid, int random, std::uint64_t seed);

// One evaluated point: the inputs as the scalar holds them and the block's output, both
// exactly. Points whose rounded input leaves [lo, hi] are dropped (the bounds are for
// inputs in range).
struct Sample {
  Rational x, y, out;
  bool finite = true;
};

// Runs the block at a scalar: float, double, long-double, float128, mpfr:P and the emulated
// formats (bf16, fp16, tf32, fp8e4m3, fp8e5m2). Others: std::invalid_argument.
std::vector<Sample> evaluate(const SigmoidBlock& block, const std::vector<Point>& points, const ScalarSpec& scalar);
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
ErrorSummary measure(const Target& target, const std::vector<Sample>& samples, long precision = 320);

}  // namespace loopcert::sigmoid
