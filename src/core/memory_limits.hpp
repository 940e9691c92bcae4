// Memory a run may use, estimated before the work starts (issue 16, item 1): an
// MPFR value of P bits holds its struct and ceil(P/64) limbs, so columns and precision
// that are each within their own limits can still multiply to hundreds of GB (4096
// columns at mpfr:100000), and GMP aborts when an allocation fails. The command line
// refuses such a run with the estimate and the limit instead.
#pragma once
#include <cstdint>
#include <string>

#include "core/scalar_name.hpp"

namespace loopcert {

// Bytes one value of `scalar` occupies (its own storage, the heap part of MPFR and exact
// rationals included; an exact rational counts its struct and two one-limb integers,
// which is a lower bound).
std::uint64_t scalar_value_bytes(const ScalarSpec& scalar);

// The limit of an estimated run: half of this machine's physical memory, leaving the rest
// to the parts the estimate does not count (the exact weights, the machine, the report).
std::uint64_t run_memory_limit_bytes();

// "1.2 GB", "210 GB" (decimal units), for messages.
std::string bytes_text(double bytes);

}  // namespace loopcert
