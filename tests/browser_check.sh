#!/usr/bin/env bash
# The report as a person sees it: `loopcert report` on a small program, the page loaded
# in headless Chromium. Fails unless
#  - the page loads without console errors and the DOM holds every figure as an SVG;
#  - every figure draws data (a path, a marker, heatmap cells or bars), with no NaN or
#    inf in any coordinate;
#  - every number of data.json that the page shows (the minimum settings, the lemma
#    table, the sigmoid table, the per-layer errors, the bits the verdicts name) appears
#    on the rendered page in the report's one number format (3 significant digits) -
#    and the same check fails on a copy of the page with one of those numbers removed;
#  - a screenshot is written (build/report_screenshot.png, for a person to look at).
set -euo pipefail
bin=$1; src=$2
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then echo "browser_check: chromium is not installed (make deps installs it)"; exit 1; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "browser_check: $*"; exit 1; }
"$bin" report "$src/examples/certify/tiny3.sq" --scalars double,fp8e5m2 --quick --jobs 1 --out "$work/report" > /dev/null 2>&1
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$work/report/index.html" > "$work/dom.html" 2> "$work/console.log" || true
grep -q 'Verdict' "$work/dom.html" || fail "the page did not load (no verdict section in the DOM)"
if grep -E 'Uncaught|CONSOLE\(|Failed to load' "$work/console.log"; then fail "console errors"; fi

# Every figure: an SVG with data.
figures=$(grep -o '<figure' "$work/report/index.html" | wc -l)
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
[ "$figures" -ge 8 ] || fail "only $figures figures in the page"
[ "$svgs" -eq "$figures" ] || fail "the DOM has $svgs SVGs for $figures figures"
empty=$(awk 'BEGIN { RS = "<figure"; n = 0 } NR > 1 {
  if ($0 !~ /<path d="M[0-9]/ && $0 !~ /<circle cx="[0-9]/ && $0 !~ /fill="rgb\([0-9,]+\)"><title>/ && $0 !~ /fill="#1f77b4"/) { n++; match($0, /id="[^"]*"/); print substr($0, RSTART, RLENGTH) > "/dev/stderr" }
} END { print n }' "$work/dom.html")
[ "$empty" -eq 0 ] || fail "$empty figure(s) without drawn data"
if grep -oE ' (d|x|y|cx|cy|width|height|x1|x2|y1|y2)="[^"]*"' "$work/dom.html" | grep -qiE 'nan|inf'; then fail "NaN or inf in a coordinate"; fi

# Every shown number of data.json on the page. nlohmann's dump(1) puts each scalar on a
# line of its own; awk formats it as report::fmt_number does (an integer below 1e6 as
# such, else %.3g; null is not a number and is skipped).
shown_keys='default_lambda|lambda_min|lambda_predicted|bits_min|bits_predicted|needs_bits|max_observed|bound_at_max|max_ratio|max_error|bound|bound_approximation|bound_rounding|violations|error'
grep -oE "\"($shown_keys)\": -?[0-9][0-9.eE+-]*" "$work/report/data.json" | sed 's/.*: //' |
  awk '{ v = $1 + 0; if (v == int(v) && v < 1e6 && v > -1e6) printf "%d\n", v; else printf "%.3g\n", v }' | sort -u > "$work/numbers.txt"
[ "$(wc -l < "$work/numbers.txt")" -ge 20 ] || fail "only $(wc -l < "$work/numbers.txt") distinct shown numbers found in data.json"
missing_numbers() { while read -r n; do grep -qF -- "$n" "$1" || echo "$n"; done < "$work/numbers.txt"; }
missing=$(missing_numbers "$work/dom.html")
[ -z "$missing" ] || fail "numbers of data.json missing from the page: $(echo $missing)"
# Negative check: the same test on a page without one of the numbers.
probe=$(grep -E '^[0-9]\.[0-9]+e-[0-9]+$' "$work/numbers.txt" | head -1)
[ -n "$probe" ] || fail "no number to remove for the negative check"
sed "s/${probe//./\\.}//g" "$work/dom.html" > "$work/tampered.html"
[ -n "$(missing_numbers "$work/tampered.html")" ] || fail "the number check did not notice $probe removed from the page"

timeout 120 "$chrome" "${flags[@]}" --hide-scrollbars --window-size=1100,2400 --screenshot="$work/shot.png" "file://$work/report/index.html" > /dev/null 2>&1 || true
[ -s "$work/shot.png" ] || fail "no screenshot"
cp "$work/shot.png" "$(dirname "$bin")/report_screenshot.png"
echo "browser_check: $figures figures with data, $(wc -l < "$work/numbers.txt") shown numbers of data.json all on the page, no console errors"
