#!/usr/bin/env bash
# `make bench`: every Google Benchmark program in the build, JSON into reports/.
# Usage: scripts/bench.sh [build]
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
# bench_fleq_loop reads examples/fleq from the source tree.
export LOOPCERT_SOURCE_DIR="$PWD"
mkdir -p reports
for b in "$build"/bench_*; do
  [ -x "$b" ] || continue
  name=$(basename "$b")
  echo "== $name" >&2
  "$b" --benchmark_out="reports/${name#bench_}.json" --benchmark_out_format=json
done
