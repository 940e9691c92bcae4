// Bounds of the fleq_elementwise lemma (blocks/fleq_elementwise.hpp,
// proofs/fleq_elementwise.md, properties/fleq_elementwise.cpp). Exact in real arithmetic;
// in floating point the selected add or sub is one correctly rounded operation.
#pragma once
#include <cmath>

namespace loopcert::bounds {

inline double fleq_elementwise_gate(double G) { return 4 * G; }

// |computed - exact| for operands bounded by G, unit roundoff u: u |a +- b| <= 2 G u for
// add and sub, 0 for copy (and 0 for add and sub when a +- b is representable, e.g. integers).
inline double fleq_elementwise_rounding(double G, double u, bool is_copy) { return is_copy ? 0 : 2 * G * u * (1 + 0x1p-40); }

}  // namespace loopcert::bounds
