#!/bin/sh
# CSV ingestion benchmark: a Russian-Excel export (BOM, ';', decimal comma, CRLF; id, name,
# revenue, m1..m12) read and segmented by libkam, pandas and DuckDB in the same run.
#
#   bench/csv.sh [BUILD_DIR] [N]        (defaults: build, 1000000: a 143 MB file)
#
# KAM_BENCH_CSV_BIG=N (e.g. 10000000: a 1.5 GB file) also runs libkam and DuckDB at N accounts
# (pandas is left out there: it needs about 10x the file in memory).
#
# BUILD_DIR must hold bench/bench_csv and examples/kam (cmake --build BUILD_DIR). DuckDB is the
# npm package @duckdb/node-api, installed into bench/node_modules (git-ignored) on first use;
# pandas is /usr/bin/python3's. Each tool: the best of REPS (3) repetitions, wall and CPU time;
# libkam through the C API (bench_csv: read + kam_segment + summary + classes + XYZ counts) on 1
# and 2 threads (kam_ctx_set_threads) and through `kam segment FILE` (the whole process);
# DuckDB on 1 and 2 threads (SET threads), pandas on one. The ABC and XYZ counts of every tool
# must agree, else the script fails. Prints MB/s (10^6 bytes per second of wall time) and the
# ratios (goals: libkam >= 2x DuckDB on the same number of threads, >= 10x pandas).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
n=${2:-1000000}
big=${KAM_BENCH_CSV_BIG:-0}
reps=${REPS:-3}
bench=$build/bench/bench_csv
cli=$build/examples/kam
tmp=${TMPDIR:-/tmp}/kam_bench_csv.$$
trap 'rm -f "$tmp".*' EXIT INT TERM

for b in "$bench" "$cli"; do
  [ -x "$b" ] || { echo "csv.sh: $b not found (build first: cmake --build $build)" >&2; exit 2; }
done
command -v node >/dev/null 2>&1 || { echo "csv.sh: node is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "csv.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
if [ ! -f "$here/node_modules/@duckdb/node-api/package.json" ]; then
  echo "installing @duckdb/node-api@1.5.6-r.1 into $here/node_modules ..."
  npm install --prefix "$here" --no-save --no-package-lock --silent @duckdb/node-api@1.5.6-r.1
fi

field() { # field NAME LINE
  echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mbs() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.0f", b / ms / 1000 }'; }

# kam_cli FILE: `kam segment FILE` as a whole process, best of REPS; a line like bench_csv's
kam_cli() {
  best=0
  bestcpu=0
  r=0
  while [ $r -lt "$reps" ]; do
    /usr/bin/time -f '%e %U %S' -o "$tmp.time" "$cli" segment "$1" >"$tmp.out"
    ms=$(awk '{ printf "%.1f", $1 * 1000 }' "$tmp.time")
    cpu=$(awk '{ printf "%.1f", ($2 + $3) * 1000 }' "$tmp.time")
    if [ $r -eq 0 ] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$ms; fi
    if [ $r -eq 0 ] || awk -v a="$cpu" -v b="$bestcpu" 'BEGIN { exit !(a < b) }'; then bestcpu=$cpu; fi
    r=$((r + 1))
  done
  counts=$(awk '$1 ~ /^[ABC]$/ && $3 ~ /^\(/ { printf "%s=%s ", $1, $2 }' "$tmp.out")
  echo "kam_segment threads=1 bytes=$(wc -c <"$1") wall_ms=$best cpu_ms=$bestcpu $counts"
}

agree() { # agree REF LINE CLASSES
  for c in $3; do
    [ "$(field "$c" "$2")" = "$(field "$c" "$1")" ] ||
      { echo "MISMATCH: class $c counts differ: $2 vs $1" >&2; exit 1; }
  done
}

report() { # report LINE
  echo "$1" | awk '{ printf "%-12s %-10s", $1, $2 }'
  echo " $(field wall_ms "$1") ms wall, $(field cpu_ms "$1") ms CPU: $(mbs "$(field bytes "$1")" "$(field wall_ms "$1")") MB/s"
}

bench_file() { # bench_file N WITH_PANDAS
  # deterministic, so kept between runs (delete it after a change of the generator: v1)
  file=${TMPDIR:-/tmp}/kam_bench_csv_v1_$1.csv
  [ -s "$file" ] || "$bench" --write "$file" "$1"
  echo "== $1 accounts, $(wc -c <"$file") bytes, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
  cat "$file" >/dev/null # into the page cache for everyone
  KP=$("$bench" --parse "$file" "$reps")
  K1=$(KAM_THREADS=1 "$bench" --run "$file" "$reps")
  K2=$(KAM_THREADS=2 "$bench" --run "$file" "$reps")
  KC=$(kam_cli "$file")
  D1=$(node "$here/csv_peer.mjs" "$file" 1 "$reps")
  D2=$(node "$here/csv_peer.mjs" "$file" 2 "$reps")
  P=""
  if [ "$2" = 1 ]; then P=$(/usr/bin/python3 "$here/csv_peer.py" "$file" "$reps"); fi
  for line in "$K1" "$K2" "$KC" "$D1" "$D2" $( [ -n "$P" ] && echo x ); do
    [ "$line" = x ] && line=$P
    report "$line"
  done
  for line in "$K2" "$D1" "$D2"; do agree "$K1" "$line" "A B C X Y Z"; done
  agree "$K1" "$KC" "A B C"
  [ -z "$P" ] || agree "$K1" "$P" "A B C X Y Z"
  echo "class counts agree (A $(field A "$K1"), B $(field B "$K1"), C $(field C "$K1"); X $(field X "$K1"), Y $(field Y "$K1"), Z $(field Z "$K1"))"
  echo "libkam tokenising + amount parsing alone (bench_csv --parse), 1 thread: $(field wall_ms "$KP") ms wall ($(mbs "$(field bytes "$KP")" "$(field wall_ms "$KP")") MB/s), $(field cpu_ms "$KP") ms CPU ($(mbs "$(field bytes "$KP")" "$(field cpu_ms "$KP")") MB/s) (goal 400 MB/s)"
  echo "libkam read alone: $(field read_ms "$K1") ms on 1 thread ($(mbs "$(field bytes "$K1")" "$(field read_ms "$K1")") MB/s), $(field read_ms "$K2") ms on 2 ($(mbs "$(field bytes "$K2")" "$(field read_ms "$K2")") MB/s)"
  for kind in wall cpu; do
    echo "ratio ($kind): DuckDB/libkam 1 thread $(ratio "$(field ${kind}_ms "$D1")" "$(field ${kind}_ms "$K1")")x," \
      "2 threads $(ratio "$(field ${kind}_ms "$D2")" "$(field ${kind}_ms "$K2")")x (goal 2x);" \
      "DuckDB 1 thread/kam segment $(ratio "$(field ${kind}_ms "$D1")" "$(field ${kind}_ms "$KC")")x" \
      "$( [ -n "$P" ] && echo "; pandas/libkam $(ratio "$(field ${kind}_ms "$P")" "$(field ${kind}_ms "$K1")")x (goal 10x)")"
  done
  for line in "$K1" "$K2"; do
    echo "libkam $(field threads "$line") thread(s): peak allocation while reading $(field peak_read_bytes "$line") bytes =" \
      "$(ratio "$(field peak_read_bytes "$line")" "$(field stored_bytes "$line")")x what the portfolio stores (goal <= 1.5x)"
  done
}

bench_file "$n" 1
if [ "$big" != 0 ]; then bench_file "$big" 0; fi
