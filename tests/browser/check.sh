#!/bin/sh
# check.sh KAM_CLI PROPOSAL.json OUTDIR - renders the proposal to HTML with the kam CLI, prints it
# to PDF and a screenshot with headless Chromium, and checks what a client would see: the PDF
# is A4, its text holds the client's name, the total and the validity line, and the validity
# line is on the last page. Leaves OUTDIR/proposal.{html,pdf,png,txt} for a look.
# Chromium: $KAM_CHROMIUM, or chromium / chromium-browser / google-chrome on PATH (Debian
# package `chromium`); pdftotext and pdfinfo: poppler-utils.
set -eu
cli=$1 doc=$2 out=$3
mkdir -p "$out"
browser=${KAM_CHROMIUM:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
  done
fi
[ -n "$browser" ] || { echo "check.sh: no Chromium found (apt-get install chromium)"; exit 77; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$cli" proposal "$doc" --format html -o "$out/proposal.html"
html="file://$(cd "$out" && pwd)/proposal.html"
flags="--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run --no-default-browser-check
  --user-data-dir=$profile --no-pdf-header-footer --print-to-pdf-no-header"
rm -f "$out/proposal.pdf" "$out/proposal.png"
# shellcheck disable=SC2086
timeout 180 "$browser" $flags --print-to-pdf="$out/proposal.pdf" "$html" >"$out/chromium.log" 2>&1 || true
# shellcheck disable=SC2086
timeout 180 "$browser" $flags --window-size=1000,1400 --screenshot="$out/proposal.png" "$html" \
  >>"$out/chromium.log" 2>&1 || true
[ -s "$out/proposal.pdf" ] || { echo "check.sh: Chromium wrote no PDF (see $out/chromium.log)"; exit 1; }
[ -s "$out/proposal.png" ] || { echo "check.sh: Chromium wrote no screenshot (see $out/chromium.log)"; exit 1; }

status=0
fail() { echo "check.sh: $*"; status=1; }
pages=$(pdfinfo "$out/proposal.pdf" | sed -n 's/^Pages: *//p')
size=$(pdfinfo "$out/proposal.pdf" | sed -n 's/^Page size: *//p')
case "$size" in *A4*|"595."*" x 841."*|"595."*" x 842."*) ;; *) fail "page size is '$size', not A4" ;; esac
# pdftotext keeps U+00A0 between digit groups; make every space plain for the checks.
pdftotext -layout "$out/proposal.pdf" - | sed 's/\xc2\xa0/ /g' > "$out/proposal.txt"
pdftotext -layout -f "$pages" -l "$pages" "$out/proposal.pdf" - | sed 's/\xc2\xa0/ /g' > "$out/last-page.txt"
grep -q "АО «Волга-Ритейл»" "$out/proposal.txt" || fail "the client's name is not in the PDF"
grep -q "12 206 699,00 ₽" "$out/proposal.txt" || fail "the total 12 206 699,00 ₽ is not in the PDF"
grep -q "Двенадцать миллионов двести шесть тысяч" "$out/proposal.txt" || fail "the amount in words is not in the PDF"
grep -q "Предложение действительно до 27.12.2026" "$out/last-page.txt" ||
  fail "the validity line is not on the last page ($pages)"
# Nothing after the validity line but the page number.
tail_text=$(sed -n '/Предложение действительно до 27.12.2026/,$p' "$out/last-page.txt" | sed '1d' |
  tr -d ' \f' | grep -v '^[0-9]*/[0-9]*$' | grep -v '^$' || true)
[ -z "$tail_text" ] || fail "text after the validity line: $tail_text"
[ $status -eq 0 ] && echo "browser check: $pages A4 pages; client, total, amount in words and validity (last) found"
exit $status
