#!/usr/bin/env bash
# The main job of `make demo`: a SUBLEQ program run on the looped transformer in
# lockstep with the exact machine, the authors' factorial program, a temperature search,
# the lemma table and the sigmoid lemma.
set -euo pipefail
bin=${1:-build/loopcert}
cd "$(dirname "$0")/.."
echo "== 1. examples/subleq/factorial.sq on the looped transformer (double, default lambda)"
"$bin" run examples/subleq/factorial.sq
echo
official=../shared/compat/official
if [ -f "$official/ftrl_cmds.csv" ]; then
  echo "== 2. the authors' ftrl program (7!, N = 15 bits), read from their CSV files unchanged"
  "$bin" run --cmds "$official/ftrl_cmds.csv" --mem "$official/ftrl_init_mem.csv" --layout 2,10,23,15
  echo
fi
echo "== 3. the temperature interval of factorial at double, next to the bounds' prediction"
"$bin" search lambda examples/subleq/factorial.sq --quiet
echo
echo "== 4. every lemma against its proved bound (loopcert verify, 200 random inputs each)"
"$bin" verify
echo
echo "== 5. the sigmoid lemma: x^2 on [-1, 1] from 64 softmax heads, staircase and fitted"
"$bin" verify sigmoid --f x^2
echo
echo "== 6. the error report (loopcert report --quick): verdicts, lemma table, drift, per-layer errors, phase diagram, sigmoid lemma, attention"
"$bin" report --quick --out reports/latest
echo "open reports/latest/index.html (report.md and data.json beside it)"
