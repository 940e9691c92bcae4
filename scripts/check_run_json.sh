#!/bin/sh
# Regenerates `loopcert run --json` for every example (default scalar and mpfr:100) and
# the four official programs, and compares them field by field with the outputs
# recorded before issue 9 (tests/data/run_json/). The comparison is the Catch2 test
# tests/test_run_json_baseline.cpp (no jq needed). Usage: scripts/check_run_json.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$here/build"}
cmake --build "$build" -j2 --target loopcert loopcert_tests
exec "$build/loopcert_tests" "[baseline]"
