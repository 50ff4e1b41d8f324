#!/bin/sh
# test_cli_segment.sh KAM SOURCE_DIR - `kam segment` on the sample portfolio and on bad input:
# the tables, the files it writes, exit 2 with the library's line/column message.
set -u
kam=$1
src=$2
tmp=${TMPDIR:-/tmp}/kam_cli_segment_$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_cli_segment: $*" >&2; exit 1; }
out=$("$kam" segment "$src/examples/data/accounts.csv" --svg "$tmp/p.svg" --csv "$tmp/s.csv" --top 3) ||
  fail "sample run exited $?"
for want in "Key accounts: " "Summary (A: cumulative share up to 80 %, B: up to 95 %)" \
            "ABC-XYZ" "Concentration: HHI" "20 % of accounts bring" "top score" \
            "of revenue (>= 10.0 %)" "group ГК «Уралинвест»"; do
  echo "$out" | grep -qF "$want" || fail "missing '$want' in:
$out"
done
# A key group is one row with its member count; an unprofitable key account says so.
for want in "ГК «Уралинвест»: 16 accounts" "UNPROFITABLE: margin -" "Gross margin: " \
            "Unprofitable accounts (margin < 0): "; do
  echo "$out" | grep -qF "$want" || fail "missing '$want' in:
$out"
done
[ "$(echo "$out" | grep -c "ГК «Уралинвест»")" -eq 1 ] || fail "the key group is not shown once"
g=$("$kam" segment "$src/examples/data/accounts.csv" --basis margin --unit group) ||
  fail "--basis margin --unit group exited $?"
for want in "(a group of companies is one)" "Classes and the key test by gross margin" \
            "ГК «Уралинвест»: 16 accounts" "of margin (>= 10.0 %)"; do
  echo "$g" | grep -qF "$want" || fail "missing '$want' in:
$g"
done
"$kam" segment "$src/examples/data/accounts.csv" --basis profit 2>/dev/null; [ $? -eq 2 ] ||
  fail "--basis profit did not exit 2"
"$kam" segment "$src/examples/data/accounts.csv" --unit holding 2>/dev/null; [ $? -eq 2 ] ||
  fail "--unit holding did not exit 2"
head -c 200 "$tmp/p.svg" | grep -q "<svg" || fail "no SVG written"
tail -c 10 "$tmp/p.svg" | grep -q "</svg>" || fail "SVG cut short"
head -c 3 "$tmp/s.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "CSV without BOM"
[ "$(grep -c "" "$tmp/s.csv")" -ge 421 ] || fail "CSV rows missing"
"$kam" segment "$src/examples/data/accounts.csv" --json | head -c 40 | grep -q '{"summary":{"accounts":420' ||
  fail "--json"
printf 'id;revenue\nA;1\nB;12,3.4\n' > "$tmp/bad.csv"
err=$("$kam" segment "$tmp/bad.csv" 2>&1)
[ $? -eq 2 ] || fail "bad input did not exit 2"
echo "$err" | grep -qF "bad.csv: line 3, column \"revenue\": '12,3.4' is not an amount" || fail "message: $err"
"$kam" segment "$tmp/none.csv" 2>/dev/null; [ $? -eq 2 ] || fail "missing file did not exit 2"
"$kam" segment "$tmp/bad.csv" --a 1.5 2>/dev/null; [ $? -eq 2 ] || fail "--a 1.5 did not exit 2"
"$kam" segment "$tmp/bad.csv" --bogus 2>/dev/null; [ $? -eq 2 ] || fail "--bogus did not exit 2"
"$kam" segment --help | grep -q "usage: kam segment" || fail "--help"
printf 'id,revenue\nx,5\n' | "$kam" segment - | grep -q "Key accounts: 1 of 1" || fail "stdin"
echo "test_cli_segment: passed"
