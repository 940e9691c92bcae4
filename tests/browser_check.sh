#!/usr/bin/env bash
# The report as a person sees it: `loopcert report` on a small program, the page loaded
# in headless Chromium. Fails unless the page loads without console errors, its DOM holds
# every figure with drawn data (non-empty paths or rectangles, no NaN), and a screenshot
# is written (build/report_screenshot.png, for a person to look at).
set -euo pipefail
bin=$1; src=$2
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then echo "browser_check: chromium is not installed (make deps installs it)"; exit 1; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$bin" report "$src/examples/certify/tiny3.sq" --scalars double,fp8e5m2 --quick --jobs 1 --out "$work/report" > /dev/null 2>&1
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$work/report/index.html" > "$work/dom.html" 2> "$work/console.log" || true
figures=$(grep -o '<figure' "$work/report/index.html" | wc -l)
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
[ "$figures" -ge 4 ] || { echo "browser_check: only $figures figures in the page"; exit 1; }
[ "$svgs" -eq "$figures" ] || { echo "browser_check: the DOM has $svgs SVGs for $figures figures"; exit 1; }
if grep -qi 'nan' <(grep -o ' d="[^"]*"' "$work/dom.html"); then echo "browser_check: NaN in a path"; exit 1; fi
paths=$(grep -o '<path d="M[0-9]' "$work/dom.html" | wc -l)
[ "$paths" -ge 2 ] || { echo "browser_check: the figures drew no data ($paths paths)"; exit 1; }
if grep -E 'Uncaught|CONSOLE\(|Failed to load' "$work/console.log"; then echo "browser_check: console errors"; exit 1; fi
grep -q 'Verdict' "$work/dom.html" || { echo "browser_check: no verdict section in the DOM"; exit 1; }
timeout 120 "$chrome" "${flags[@]}" --window-size=1200,2400 --screenshot="$work/shot.png" "file://$work/report/index.html" > /dev/null 2>&1 || true
[ -s "$work/shot.png" ] && cp "$work/shot.png" "$(dirname "$bin")/report_screenshot.png"
echo "browser_check: $figures figures rendered, $paths data paths, no console errors"
