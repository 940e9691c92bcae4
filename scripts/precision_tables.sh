#!/usr/bin/env bash
# The two tables of issue 5, measured with `loopcert search` next to the bounds'
# predictions (Markdown on stdout, progress on stderr):
#   1. the smallest lambda at double (resolution 0.05) per program, and the lambda the
#      bounds certify (loop_is_exact, exact arithmetic; the CLI default keeps half margins);
#   2. the smallest MPFR precision at the default lambda (bits 2..64: every precision from
#      the minimum to 64 agrees), and bounds::predicted_bits (proofs/precision.md).
# Usage: scripts/precision_tables.sh [build/loopcert]
set -euo pipefail
bin=${1:-build/loopcert}
cd "$(dirname "$0")/.."
official=../shared/compat/official
programs=()
for f in examples/subleq/*.sq; do programs+=("$f"); done
declare -A layouts=([subleq]=8,8,32,8 [ftrl]=2,10,23,15 [reverse_list]=2,11,38,5 [linear_search]=2,14,94,6)
if [ -d "$official" ]; then
  for p in subleq ftrl reverse_list linear_search; do programs+=("csv:$p"); done
fi
field() {  # field NAME < json (top-level scalar or flat array, from dump(2) output)
  tr -d '\n ' | sed -n "s/.*\"$1\":\(\[[^]]*\]\|[^,}]*\).*/\1/p" | head -1
}
args_of() {
  local prog=$1
  if [[ $prog == csv:* ]]; then
    local name=${prog#csv:}
    echo "--cmds $official/${name}_cmds.csv --mem $official/${name}_init_mem.csv --layout ${layouts[$name]}"
  else
    echo "$prog"
  fi
}
label_of() { if [[ $1 == csv:* ]]; then echo "official ${1#csv:}"; else basename "$1"; fi; }

echo "### Smallest lambda at double (resolution 0.05), next to the bounds"
echo
echo "| program | n | N | lambda_min (measured) | lambda_max | predicted (loop_is_exact) | predicted / measured | default (half margins) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for prog in "${programs[@]}"; do
  read -r -a args <<< "$(args_of "$prog")"
  echo "  lambda: $(label_of "$prog")" >&2
  run=$("$bin" run "${args[@]}" --json --max-steps 0 || true)
  n=$(echo "$run" | field columns); N=$(echo "$run" | field bits)
  j=$("$bin" search lambda "${args[@]}" --scalar double --resolution 0.05 --json --quiet || true)
  lo=$(echo "$j" | field lambda_min); hi=$(echo "$j" | field lambda_max)
  pred=$(echo "$j" | field predicted_lambda); ratio=$(echo "$j" | field ratio); def=$(echo "$j" | field default_lambda)
  [ "$hi" = null ] && hi="none up to 1e5"
  printf '| %s | %s | %s | %s | %s | %.4g | %.2f | %s |\n' "$(label_of "$prog")" "$n" "$N" "$lo" "$hi" "$pred" "$ratio" "$def"
done
echo
echo "### Smallest MPFR precision at the default lambda (bits 2..64), next to the bounds"
echo
echo "| program | N | lambda | bits_min (measured) | non-monotone (agree below the minimum) | predicted_bits | predicted / measured | runs | seconds |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for prog in "${programs[@]}"; do
  read -r -a args <<< "$(args_of "$prog")"
  echo "  precision: $(label_of "$prog")" >&2
  run=$("$bin" run "${args[@]}" --json --max-steps 0 || true)
  N=$(echo "$run" | field bits)
  j=$("$bin" search precision "${args[@]}" --bits 2..64 --json --quiet || true)
  bits=$(echo "$j" | field bits_min); lambda=$(echo "$j" | field lambda); nm=$(echo "$j" | field non_monotone)
  pred=$(echo "$j" | field predicted_bits); ratio=$(echo "$j" | field ratio); secs=$(echo "$j" | field seconds)
  runs=$(echo "$j" | tr -d '\n ' | grep -o '"engine"' | wc -l)
  [ "$nm" = "[]" ] && nm="-"
  printf '| %s | %s | %s | %s | %s | %s | %.2f | %s | %.1f |\n' "$(label_of "$prog")" "$N" "$lambda" "$bits" "$nm" "$pred" "$ratio" "$runs" "$secs"
done
