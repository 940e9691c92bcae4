#!/usr/bin/env bash
# The README's engine speed tables (section "Speed"), regenerated from the benchmarks:
# bench_engine_scaling (double n = 32..4096, float, bf16, fp16, mpfr:128) and bench_engine_run
# (`loopcert run` per loop), three repetitions each, randomly interleaved so that ratios
# compare runs made side by side; then double at n = 1024 and 4096 alone for the peak
# memory. JSON into reports/engine_*.json. About 3 minutes on 2 cores.
# Usage: scripts/engine_table.sh [build]
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
mkdir -p reports
common=(--benchmark_repetitions=3 --benchmark_enable_random_interleaving=true --benchmark_out_format=json)
echo "== bench_engine_scaling" >&2
"$build/bench_engine_scaling" "${common[@]}" --benchmark_out=reports/engine_scaling.json >/dev/null
echo "== bench_engine_run" >&2
"$build/bench_engine_run" "${common[@]}" --benchmark_out=reports/engine_run.json >/dev/null
for n in 1024 4096; do
  echo "== bench_engine_scaling, double at n = $n alone (memory)" >&2
  "$build/bench_engine_scaling" --benchmark_filter="BM_double/$n\$" --benchmark_out_format=json \
    --benchmark_out="reports/engine_memory_$n.json" >/dev/null
done
python3 scripts/engine_table.py reports/engine_scaling.json reports/engine_run.json README.md \
  reports/engine_memory_1024.json reports/engine_memory_4096.json
