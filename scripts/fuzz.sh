#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS on a scratch copy of its seed corpus
# (fuzz/corpus/TARGET, which stays as committed), and prints executions and findings.
# FUZZ_JOBS targets run at once (default 2: a fuzzer uses one core), so the CI smoke run
# of six targets takes three times SECONDS, not six.
# Exit 1 when a target found a crash, a leak, a timeout or a sanitizer report: the input
# is kept in fuzz/findings/TARGET/ (commit it to the corpus once the bug is fixed).
set -uo pipefail
build=$1; seconds=$2; shift 2
jobs=${FUZZ_JOBS:-2}
cd "$(dirname "$0")/.."

fuzz_one() {  # TARGET: runs it, writes its summary to $build/fuzz_TARGET.result
  local target=$1 work log rc runs
  work=$(mktemp -d); mkdir -p "fuzz/findings/$target"
  log="$build/fuzz_$target.log"
  "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/findings/$target/" "$work" "fuzz/corpus/$target" > "$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $rc -eq 0 ]; then
    echo "fuzz_$target: ${runs:-?} executions in ${seconds} s, no finding" > "$build/fuzz_$target.result"
    rmdir "fuzz/findings/$target" 2>/dev/null
  else
    { echo "fuzz_$target: FINDING after ${runs:-?} executions (exit $rc), see $log and fuzz/findings/$target/"
      grep -m3 -E 'ERROR|what\(\)|SUMMARY' "$log"; } > "$build/fuzz_$target.result"
  fi
  rm -rf "$work"
  return $rc
}

status=0
pids=()
for target in "$@"; do
  fuzz_one "$target" & pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for target in "$@"; do cat "$build/fuzz_$target.result"; done
rmdir fuzz/findings 2>/dev/null
exit $status
