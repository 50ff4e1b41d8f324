#!/bin/sh
# check.sh KAM_CLI PROPOSAL.json OUTDIR - renders the proposal to HTML with the kam CLI, prints it
# to PDF and a screenshot with headless Chromium, and checks what a client would see: the PDF
# is A4, its text holds the client's name, the total and the validity line, and the validity
# line is on the last page. Leaves OUTDIR/proposal.{html,pdf,png,txt} for a look.
# Chromium: print.sh; pdftotext and pdfinfo: poppler-utils.
set -eu
cli=$1 doc=$2 out=$3
mkdir -p "$out"
. "$(dirname "$0")/print.sh"
"$cli" proposal "$doc" --format html -o "$out/proposal.html"
print_html proposal "$out"

status=0
fail() { echo "check.sh: $*"; status=1; }
pages=$(pdfinfo "$out/proposal.pdf" | sed -n 's/^Pages: *//p')
size=$(pdfinfo "$out/proposal.pdf" | sed -n 's/^Page size: *//p')
case "$size" in *A4*|"595."*" x 841."*|"595."*" x 842."*) ;; *) fail "page size is '$size', not A4" ;; esac
# pdftotext keeps U+00A0 between digit groups; make every space plain for the checks.
pdftotext -layout "$out/proposal.pdf" - | sed 's/\xc2\xa0/ /g' > "$out/proposal.txt"
pdftotext -layout -f "$pages" -l "$pages" "$out/proposal.pdf" - | sed 's/\xc2\xa0/ /g' > "$out/last-page.txt"
grep -q "АО «Волга-Ритейл»" "$out/proposal.txt" || fail "the client's name is not in the PDF"
grep -q "27 306 739,00 ₽" "$out/proposal.txt" || fail "the contract value 27 306 739,00 ₽ is not in the PDF"
grep -q "Двадцать семь миллионов триста шесть тысяч" "$out/proposal.txt" || fail "the amount in words is not in the PDF"
grep -q "Стоимость по годам договора" "$out/proposal.txt" || fail "the cost by contract year is not in the PDF"
grep -q "График платежей" "$out/proposal.txt" || fail "the payment schedule is not in the PDF"
grep -q "15.12.2027" "$out/proposal.txt" || fail "the payment dates are not in the PDF"
grep -q "Предложение действительно до 27.12.2026" "$out/last-page.txt" ||
  fail "the validity line is not on the last page ($pages)"
# Nothing after the validity line but the page number.
tail_text=$(sed -n '/Предложение действительно до 27.12.2026/,$p' "$out/last-page.txt" | sed '1d' |
  tr -d ' \f' | grep -v '^[0-9]*/[0-9]*$' | grep -v '^$' || true)
[ -z "$tail_text" ] || fail "text after the validity line: $tail_text"
[ $status -eq 0 ] && echo "browser check: $pages A4 pages; client, total, amount in words and validity (last) found"
exit $status
