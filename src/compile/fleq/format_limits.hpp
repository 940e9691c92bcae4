// What a scalar format cannot hold of a compiled FLEQ loop (README "The FLEQ transformer
// (construction)", "Emulated formats"): the reasons `loopcert run P.fq --scalar S` refuses
// before running (exit 2). Computed from the compiled constants, the LoopSpec's exact
// weights and the format's facts (core/scalar_facts.hpp: precision, emin, max_finite),
// never from the data.
//
// A refusal is a weight or constant the construction needs exactly and the format
// cannot hold: one that overflows, or one that does not round-trip (the controller's
// codes, gates, temperatures, the integer snap's staircase, the product's 1/C and n C / 2),
// or a product whose largest holdable C is below its score bound (outside the softmax's
// linear range). The fitted weights of the elementwise functions (sigmoid sums) may
// round, and the exact blocks' conditions on their partial sums (bounds/fleq_int_snap.hpp,
// bounds/fleq_flag.hpp: K + M + 2 < 2^(p-3)) are bounds, not weights: those runs go ahead
// and are measured (analysis/formats_study_fleq.hpp reports the conditions beside them).
#pragma once
#include <string>
#include <vector>

#include "compile/fleq/compiler.hpp"
#include "core/scalar_facts.hpp"

namespace loopcert::compile::fleq {

// How a format holds an exact rational.
enum class Holding { exact, rounded, overflow, underflow };
struct Held {
  Holding holding = Holding::exact;
  int bits = 0;  // significant bits the value needs (-1: not dyadic, infinitely many)
};
Held held(const Rational& value, const ScalarFacts& format);

// The largest c for which the product heads' values, n 2^c / 2 times entries of size at
// most value_bound (1: the slots' +-1, G: matmul's data), stay at most max_finite; a
// large number for a format without a largest finite value.
int largest_product_scale_log2(int n, double value_bound, const ScalarFacts& format);

// The smallest C' >= value (value > 0) that a format with p significant bits holds, as
// eighths: the temperatures are rounded up to the format's grid (a larger temperature
// only lowers the leak) so that the run uses the temperature the bounds were computed at.
int eighths_rounded_up(int eighths, int precision);

// Every reason the format cannot run the compiled program, first the named constants,
// then the other weights (grouped by where they sit, with an example and a count).
std::vector<std::string> format_refusals(const isa::fleq::FleqProgram& program, const CompiledFleq& compiled, const ScalarFacts& format);

}  // namespace loopcert::compile::fleq
