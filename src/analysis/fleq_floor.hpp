// The FLEQ programs' error floors, predicted from the FLEQ bounds (README "FLEQ programs:
// floors, measured and predicted"; FLEQ.md section 6). The prediction is
//
//   floor = the exact machine's first-order response to a perturbation of every real
//           entry each executed instruction writes by that instruction's bound
//           (bounds::fleq_instruction_bound(...).total at the compiled constants),
//
// i.e. "per-instruction bound times the program's contraction", with the contraction not
// assumed but obtained from the exact machine's own run: the ideal machine is run once as
// it is and once more per perturbation pattern, with every real result entry moved by
// s * bound * sign after its instruction and the final deviation divided by s again:
// s = 2^-40 (the first-order response) and s = 1 (the bounds' own size, which keeps the
// second-order terms a Newton polish leaves). The signs are all +1 in one run and a fixed
// pseudo-random +-1 pattern in another; the largest final deviation (|x~ - x*| /
// max(1, |x*|), the measure the runs report) is the prediction. This is an estimate, not
// a bound: the worst sign pattern is not searched. It never looks at the transformer's
// output.
//
// The functions' fit error E_w enters through approx::grid_error on the widened range
// (an estimate on a fine grid, not the MPFI certificate the tests use).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compile/fleq/compiler.hpp"
#include "compile/fleq/target.hpp"
#include "compile/machine.hpp"
#include "isa/fleq/program.hpp"

namespace loopcert::analysis {

// The channels of the per-instruction bound, each propagated on its own to say what
// limits the floor.
enum class FloorChannel { product, fit, leak, rounding };
inline constexpr int kFloorChannels = 4;
const char* floor_channel_name(FloorChannel c);  // "product", "sigmoid fit", "leak", "rounding"

struct FleqFloor {
  double predicted = 0;          // the larger response of the two sign patterns (+inf: a bound is infinite)
  double largest_bound = 0;      // max over executed instructions of the bound's total
  double amplification = 0;      // predicted / largest_bound: the program's contraction estimate
  double channels[kFloorChannels] = {0, 0, 0, 0};  // the all-+1 response to each channel alone
  FloorChannel limit = FloorChannel::rounding;     // the channel with the largest response
  std::int64_t steps = 0;        // instructions the machine executed
  double read_lambda = 0;        // the compiled read temperature the bounds were evaluated at
  std::string reason;            // why predicted is infinite, or why there is no prediction
};

struct FleqFloorOptions {
  std::int64_t max_steps = 100000;  // the run's step limit (as FleqTargetOptions)
  double unit_roundoff = 0x1p-53;   // the scalar the bounds are evaluated at (0: exact arithmetic)
  double bound_scale = 1;           // multiplies every per-instruction bound (tests: a broken bound)
};

// The functions' E_w estimates, one per isa::fleq::Function (infinity where the program
// has no block for it).
std::vector<double> fleq_fit_error_estimates(const compile::fleq::CompiledFleq& compiled);

// The floor of `program` compiled as `compiled` (at options.unit_roundoff).
FleqFloor predict_fleq_floor(const isa::fleq::FleqProgram& program, const compile::fleq::CompiledFleq& compiled,
                             const FleqFloorOptions& options);

// The same after compiling the program for unit roundoff u (the scalar's constants), with
// the product's C and the temperature set by `overrides` where it sets them (run's
// --product-c and --lambda; the floors' sweeps).
FleqFloor predict_fleq_floor_at(const isa::fleq::FleqProgram& program, double u, std::int64_t max_steps,
                                const compile::fleq::ConstantOverrides& overrides = {});

// The FLEQ target's precision predictors (compile::FleqTargetOptions::predictors): a
// precision or scalar is predicted to agree when the predicted floor at its unit
// roundoff is within `data_tolerance` and the controller's conditions hold
// (bounds::fleq_controller_bound). The temperatures are the compiler's (chosen from the
// scalar): a temperature is predicted to agree when it is at least the compiled read
// temperature (a hotter read only leaks less) and the floor at the compiled one is within.
// u: the unit roundoff the target was compiled for (its summary's scalar).
compile::Predictors fleq_floor_predictors(const isa::fleq::FleqProgram& program, double data_tolerance, std::int64_t max_steps, double u);

// The same as compile::FleqTargetOptions::predictors wants it:
//   options.predictors = analysis::fleq_target_predictors;
compile::Predictors fleq_target_predictors(const isa::fleq::FleqProgram& program, const compile::FleqTargetOptions& options);

}  // namespace loopcert::analysis
