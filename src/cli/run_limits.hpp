// The memory estimate of a transformer run, checked before the run starts (issue 16,
// item 1; core/memory_limits.hpp): columns and precision are capped together.
#pragma once
#include <cstdint>
#include <string>

#include "compile/machine.hpp"
#include "core/scalar_name.hpp"

namespace loopcert::cli {

struct RunMemory {
  double values = 0;  // scalar values held at once (a lower bound)
  double bytes = 0;   // values x core::scalar_value_bytes
};

// What the engine holds at least (tf/transformer.hpp keeps every layer's work): the
// state and a copy (2 d n); per layer its hidden units, per head its queries, keys,
// values and read-out (n columns each); and every weight in the scalar.
RunMemory estimate_run_memory(const compile::CompiledLoop& loop, const ScalarSpec& scalar);

// Throws UsageError("PROGRAM: ... needs about X of memory ... the limit is Y ...") when the
// estimate is above run_memory_limit_bytes().
void check_run_memory(const compile::CompiledLoop& loop, const ScalarSpec& scalar, const std::string& program);

}  // namespace loopcert::cli
