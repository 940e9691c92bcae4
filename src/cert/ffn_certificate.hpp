// Block certificates of a ReLU sublayer at one column (issue 15): for every input whose
// entries lie within their radii of ideal values drawn from small finite sets (the +-1
// bits, the 0/1 flag, exact constants; an attention output's box as "0 within B"), the
// value the target scalar computes for each row the feed-forward writes lies within a
// certified radius of the exact feed-forward's value at the ideal inputs.
//
// Why not plain intervals: the snap -1 + 2 (relu(x + 1/2) - relu(x - 1/2)) and the clear
// x - relu(x) + relu(-x) cancel x, which an interval forgets. Here every case of the
// ideal inputs that a written row depends on is enumerated (the rows its units read; for
// the threshold adders, whose units share one linear form, the values of that form),
// and in each case every unit whose pre-activation range stays on one side of 0 is
// linear, so the output's dependence on the input noise is its exact Jacobian (the snap's
// and the clear's cancel to 0). A unit that straddles 0 is split at its breakpoint when
// it reads one input exactly (the clears of an attention's garbage), else relaxed to
// [0, upper] (sound, loose: it is reported).
//
// Rounding (the target's model, cert/rounding_model.hpp): a dot product of k terms that
// may be nonzero (the engine's b1 + W1 x and x + W2 h + b2, tf/feed_forward.hpp) is
// within gamma_{k-1} of the sum of |terms| in any order (FMA allowed); with k = 2 it is
// one rounding, within u |sum|; k <= 1 is exact, and so is adding an exact 0. A product
// by +-2^j (j >= 0) is exact; any other within u |w x| + eta. A weight that is not a
// number of the target (its significand or range) makes the certificate fail.
#pragma once
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/interval_scalar.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::cert {

// One residual entry: its ideal value is one of `centers`, and what the target computes
// lies within `radius` of it.
struct EntryBall {
  std::vector<double> centers{0.0};
  double radius = 0;
  bool constant() const { return radius == 0 && centers.size() == 1; }
  double magnitude() const;  // the largest |value| (rounded up)
};
using ColumnBall = std::vector<EntryBall>;  // one per residual row

EntryBall hull(const EntryBall& a, const EntryBall& b);
bool inside(const EntryBall& a, const EntryBall& b);  // a's centers among b's, a's radius <= b's

// The target's arithmetic as the feed-forward certificate uses it.
struct FfnRounding {
  int precision = 0;  // 0: exact reals
  double u = 0, eta = 0;
  long emin = 0;  // 0: unbounded exponent
  double max_finite = std::numeric_limits<double>::infinity();
};
FfnRounding ffn_rounding(const RoundingModel& model);

struct FfnLimits {
  long max_cases = long(1) << 20;  // per written row
  int max_splits = 6;              // nested splits of one row's evaluation
};

// A ReLU that could not be decided: relaxed to [0, high].
struct Straddle {
  int row = -1;  // the written row it feeds
  int unit = -1;
  double low = 0, high = 0;  // its pre-activation range
};

struct FfnCertificate {
  ColumnBall out;  // the input ball with every written row replaced
  long cases = 0;
  std::optional<std::string> failure;  // too many cases, a weight the target cannot hold, overflow
  std::vector<Straddle> straddles;     // the widest per written row that has one
};

FfnCertificate certify_ffn(const FfnSpec& ffn, const ColumnBall& in, const FfnRounding& rounding, const FfnLimits& limits = {});

}  // namespace loopcert::cert
