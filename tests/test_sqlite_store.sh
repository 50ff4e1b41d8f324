#!/bin/sh
# test_sqlite_store.sh SQLITE_STORE - runs examples/sqlite_store: the scores must be stored and
# agree with SQL's own totals (exit 0), in memory and in a database file; a failing insert
# must roll the whole transaction back (exit 3, 0 rows).
set -u
bin=$1
fail() { echo "test_sqlite_store: $*" >&2; exit 1; }
out=$("$bin" --accounts 3000) || fail "in-memory run exited $?: $out"
echo "$out" | grep -q "scores stored: account_scores has 3000 rows" || fail "no rows stored: $out"
echo "$out" | grep -q "check: SQL and libkam agree on every class" || fail "totals differ: $out"
echo "$out" | grep -q "share  *Customer 1 Ltd" || fail "account 1 is not key by share: $out"
echo "$out" | grep -q "group .*Холдинг «Север»" || fail "no group key account: $out"
db=${TMPDIR:-/tmp}/kam_sqlite_store_$$.db
trap 'rm -f "$db"' EXIT
"$bin" --db "$db" --accounts 500 >/dev/null || fail "file run exited $?"
[ -s "$db" ] || fail "no database file"
out=$("$bin" --db "$db" --accounts 500 --fail-at 250 2>&1)
[ $? -eq 3 ] || fail "--fail-at did not report the rollback: $out"
echo "$out" | grep -q "scores rolled back: account_scores has 0 rows" || fail "not rolled back: $out"
echo "test_sqlite_store: passed"
