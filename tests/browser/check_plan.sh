#!/bin/sh
# check_plan.sh KAM_CLI PLAN.json OUTDIR - renders the key account plan to HTML with the kam CLI,
# prints it to PDF and a screenshot with headless Chromium, and checks what a reader would see:
# the PDF is A4, its text holds the account, the white space heat table (units, statuses, total
# share and headroom) and the coverage table (an uncovered decision-maker). Leaves
# OUTDIR/plan.{html,pdf,png,txt} for a look. Chromium as for check.sh.
set -eu
cli=$1 doc=$2 out=$3
mkdir -p "$out"
browser=${KAM_CHROMIUM:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
  done
fi
[ -n "$browser" ] || { echo "check_plan.sh: no Chromium found (apt-get install chromium)"; exit 77; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$cli" plan "$doc" --format html > "$out/plan.html"
html="file://$(cd "$out" && pwd)/plan.html"
flags="--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run --no-default-browser-check
  --user-data-dir=$profile --no-pdf-header-footer --print-to-pdf-no-header"
rm -f "$out/plan.pdf" "$out/plan.png"
# shellcheck disable=SC2086
timeout 180 "$browser" $flags --print-to-pdf="$out/plan.pdf" "$html" >"$out/chromium.log" 2>&1 || true
# shellcheck disable=SC2086
timeout 180 "$browser" $flags --window-size=1000,1400 --screenshot="$out/plan.png" "$html" \
  >>"$out/chromium.log" 2>&1 || true
[ -s "$out/plan.pdf" ] || { echo "check_plan.sh: Chromium wrote no PDF (see $out/chromium.log)"; exit 1; }
[ -s "$out/plan.png" ] || { echo "check_plan.sh: Chromium wrote no screenshot (see $out/chromium.log)"; exit 1; }

status=0
fail() { echo "check_plan.sh: $*"; status=1; }
pages=$(pdfinfo "$out/plan.pdf" | sed -n 's/^Pages: *//p')
size=$(pdfinfo "$out/plan.pdf" | sed -n 's/^Page size: *//p')
case "$size" in *A4*|"595."*" x 841."*|"595."*" x 842."*) ;; *) fail "page size is '$size', not A4" ;; esac
pdftotext -layout "$out/plan.pdf" - | sed 's/\xc2\xa0/ /g' > "$out/plan.txt"
grep -q "АО «Волга-Ритейл»" "$out/plan.txt" || fail "the account's name is not in the PDF"
grep -q "Белые пятна и доля кошелька" "$out/plan.txt" || fail "the white space heading is not in the PDF"
grep -q "Логистика" "$out/plan.txt" || fail "a unit of the heat table is not in the PDF"
grep -q "конкурента" "$out/plan.txt" || fail "a cell status of the heat table is not in the PDF"
grep -q "26 200 000" "$out/plan.txt" || fail "the total headroom is not in the PDF"
grep -q "15,5 %" "$out/plan.txt" || fail "the total share of wallet is not in the PDF"
grep -q "не закреплён" "$out/plan.txt" || fail "the uncovered stakeholder is not in the coverage table"
[ $status -eq 0 ] && echo "browser check: $pages A4 pages; account, heat table and coverage found"
exit $status
