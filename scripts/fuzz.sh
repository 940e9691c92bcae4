#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS on a scratch copy of its seed corpus
# (fuzz/corpus/TARGET, which stays as committed), and prints executions and findings.
# Exit 1 when a target found a crash, a leak, a timeout or a sanitizer report: the input
# is kept in fuzz/findings/TARGET/ (commit it to the corpus once the bug is fixed).
set -uo pipefail
build=$1; seconds=$2; shift 2
cd "$(dirname "$0")/.."
status=0
for target in "$@"; do
  work=$(mktemp -d); mkdir -p "fuzz/findings/$target"
  log="$build/fuzz_$target.log"
  "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/findings/$target/" "$work" "fuzz/corpus/$target" > "$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $rc -eq 0 ]; then
    echo "fuzz_$target: ${runs:-?} executions in ${seconds} s, no finding"
    rmdir "fuzz/findings/$target" 2>/dev/null
  else
    echo "fuzz_$target: FINDING after ${runs:-?} executions (exit $rc), see $log and fuzz/findings/$target/"
    grep -m3 -E 'ERROR|what\(\)|SUMMARY' "$log"
    status=1
  fi
  rm -rf "$work"
done
rmdir fuzz/findings 2>/dev/null
exit $status
