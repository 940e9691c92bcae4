// reports/sigmoid.md (`loopcert report sigmoid`): every sigmoid target at m = 64 (bounds,
// errors at double and mpfr:128, the smallest m for 1e-3 and 1e-6) and the width
// trade-off of the fitted sum, measured by the same code as `verify sigmoid` and
// `search terms` (cert/sigmoid_verify.hpp, cert/sigmoid_term_search.hpp).
#pragma once
#include <iosfwd>

namespace loopcert::report {

// The Markdown (long: searches for every function; `quick` uses x^2 and the table
// target only). Progress on stderr.
void write_sigmoid_report(std::ostream& out, bool quick = false);

}  // namespace loopcert::report
