// The loop certificate (issue 15): one SUBLEQ loop maps every punchcard of the invariant
// set S(rho_m, rho_p) back into it, for every command table and memory of a layout, in a
// target scalar's rounding model; so, by induction, every run is exact at every loop.
//
// S(rho_m, rho_p): the exact encoding of a machine state (any pc of a command column, any
// N-bit memory, any command table), except that each memory bit on a memory column is
// within rho_m of +-1 and each pc entry on the work column within rho_p of +-1; constants
// exact, every temporary and every idle column exactly 0. The exact encoding is in S.
//
// The check follows the five layers (proofs/subleq_loop.md), per column class (the work
// column, idle scratch columns, memory columns, the memory column the write addresses,
// command columns), each row of a class an EntryBall (ideal values and a radius):
//  - an attention layer is evaluated on boxes through the engine (IntervalScalar, as the
//    block certificates do), one case per addressed column (cmd columns for the fetch,
//    memory columns for the operands and the write; sources of the target +1 and the
//    rest any bit: the head is linear in the data, and negating a bit negates its copy);
//    the outputs become balls: the copy +-1 within its distance, elsewhere "0 within B";
//  - each ReLU sublayer is certified per class by cert/ffn_certificate.hpp.
// Certified when the balls after the fifth layer lie inside S (centres among the
// invariant's, radii within); the radii rho start at 0 and grow to what one loop gives,
// a few passes. What the verdict relies on beyond the machine-checked enclosures: that
// the exact blocks at the ideal values compute the machine's step (Theorem 1, exact
// arithmetic; checked by properties/ and by the exhaustive certificate), so the ideal
// centres are the successor's bits.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cert/exhaustive.hpp"
#include "cert/ffn_certificate.hpp"
#include "compile/subleq/compiler.hpp"
#include "core/scalar_name.hpp"
#include "isa/subleq/program.hpp"

namespace loopcert::cert {

struct LoopOptions {
  ScalarSpec scalar;
  long working_precision = 128;
  int max_passes = 4;
  FfnLimits limits;
  int witness_samples = 200;  // random valid states tried for a witness when not certified (0: none)
  int witness_loops = 8;      // loops run from each
  std::function<void(const std::string&)> progress;  // optional: one line per stage
};

// One certified quantity of the chain: a block's output rows at one column class.
struct LoopStep {
  std::string layer, rows, column;
  double radius = 0;
};

struct LoopCertificate {
  Verdict verdict = Verdict::Unknown;
  std::string scalar, lambda, sound_for, reason;
  int s = 0, m = 0, n = 0, N = 0, L = 0;
  double rho_mem = 0, rho_pc = 0;  // the invariant that closed (or the last tried)
  int passes = 0;
  long attention_cases = 0, ffn_cases = 0;
  std::vector<LoopStep> steps;     // the last pass
  std::optional<Witness> witness;  // refuted
  std::string witness_program;     // the command table of the witness (a,b,c per line), layout mode
  double seconds = 0;
};

// `program` gives the layout (its command table and memory are not assumed: the verdict
// is for every table and memory of the layout); `loop` is the loop to certify (the
// compiled one, or one with a deliberately broken weight).
LoopCertificate certify_loop(const isa::SubleqProgram& program, const compile::CompiledSubleq& compiled, const LoopOptions& options);

}  // namespace loopcert::cert
