#!/usr/bin/env bash
# Smallest lambda on a 0.5 grid at which each example and official program agrees with
# the reference machine at every loop (loopcert run, double), next to the default the
# bounds choose. Prints a Markdown table. Usage: scripts/lambda_table.sh [build/loopcert]
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
echo "| program | n | N | smallest agreeing lambda (0.5 grid) | default lambda (bounds) |"
echo "| --- | --- | --- | --- | --- |"
for prog in "${programs[@]}"; do
  if [[ $prog == csv:* ]]; then
    name=${prog#csv:}
    args=(--cmds "$official/${name}_cmds.csv" --mem "$official/${name}_init_mem.csv" --layout "${layouts[$name]}")
    label="official $name"
  else
    args=("$prog")
    label=$(basename "$prog")
  fi
  default=$("$bin" run "${args[@]}" --json | sed -n 's/.*"lambda": \([0-9.]*\),.*/\1/p' | head -1)
  info=$("$bin" run "${args[@]}" --json | tr -d '\n ' | sed 's/.*"bits":\([0-9]*\).*"columns":\([0-9]*\).*/\1 \2/')
  found=""
  for lambda in $(seq 0.5 0.5 30); do
    if "$bin" run "${args[@]}" --lambda "$lambda" --json > /dev/null 2>&1; then found=$lambda; break; fi
  done
  echo "| $label | ${info#* } | ${info% *} | ${found:-none up to 30} | $default |"
done
