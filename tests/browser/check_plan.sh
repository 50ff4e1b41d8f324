#!/bin/sh
# check_plan.sh KAM_CLI PLAN.json OUTDIR - renders the key account plan to HTML with the kam CLI,
# prints it to PDF and a screenshot with headless Chromium, and checks what a reader would see:
# the PDF is A4, its text holds the account, the white space heat table (units, statuses, total
# share and headroom) and the coverage table (an uncovered decision-maker). Leaves
# OUTDIR/plan.{html,pdf,png,txt} for a look. Chromium: print.sh.
set -eu
cli=$1 doc=$2 out=$3
mkdir -p "$out"
. "$(dirname "$0")/print.sh"
"$cli" plan "$doc" --format html > "$out/plan.html"
print_html plan "$out"

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
