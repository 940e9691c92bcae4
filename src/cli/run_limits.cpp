#include "cli/run_limits.hpp"

#include <set>

#include <cstdio>

#include "cli/common.hpp"
#include "core/memory_limits.hpp"

namespace loopcert::cli {

namespace {

std::string values_text(double values) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", values);
  return text;
}

}  // namespace

RunMemory estimate_run_memory(const compile::CompiledLoop& loop, const ScalarSpec& scalar) {
  const double n = loop.layout.columns(), d = loop.loop.d;
  double work_rows = 0, weights = 0;
  for (const LayerSpec& layer : loop.loop.layers) {
    work_rows += layer.ffn.hidden;
    for (const HeadSpec& head : layer.heads) {
      std::set<int> value_rows;
      for (const SparseEntry& e : head.value.entries) value_rows.insert(e.row);
      work_rows += 2.0 * head.key_dim + 2.0 * static_cast<double>(value_rows.size());
      weights += static_cast<double>(head.query.nonzeros() + head.key.nonzeros() + head.value.nonzeros());
    }
    weights += static_cast<double>(layer.ffn.w1.nonzeros() + layer.ffn.w2.nonzeros() + layer.ffn.b1.size() + layer.ffn.b2.size());
  }
  RunMemory m;
  m.values = 2 * d * n + work_rows * n + weights;
  m.bytes = m.values * static_cast<double>(scalar_value_bytes(scalar));
  return m;
}

void check_run_memory(const compile::CompiledLoop& loop, const ScalarSpec& scalar, const std::string& program) {
  const RunMemory m = estimate_run_memory(loop, scalar);
  const double limit = static_cast<double>(run_memory_limit_bytes());
  if (m.bytes <= limit) return;
  throw UsageError(program + ": a run at " + scalar.name() + " needs about " + bytes_text(m.bytes) + " of memory (" +
                   values_text(m.values) + " values of " + bytes_text(static_cast<double>(scalar_value_bytes(scalar))) + " on " +
                   std::to_string(loop.layout.columns()) + " columns); the limit is " + bytes_text(limit) +
                   " (half of this machine's memory). Use fewer columns or a lower precision.");
}

}  // namespace loopcert::cli
