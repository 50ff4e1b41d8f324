#!/bin/sh
# scripts/fuzz.sh [SECONDS [TARGET...]]: builds the libFuzzer targets with clang (ASan+UBSan) and
# fuzzes each for SECONDS (default 600), starting from fuzz/corpus/<target>/; new inputs that add
# coverage are merged back into fuzz/corpus/<target>/ (minimised with -merge=1), so committing
# that folder keeps them as regression inputs that ctest replays. Prints executions and coverage.
# A slow input is a finding like a crash: each run stops on an input that takes over 5 s
# (-timeout) or a process over 2 GiB (-rss_limit_mb, also the per-allocation limit), and inputs
# may grow to a few MiB (-max_len) where the format has no smaller bound of its own, so that
# limits such as the CSV reader's 1 MiB record are crossed (csv_fuzz also expands its input).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
[ $# -gt 0 ] && shift
cd "$root"
CC=clang cmake -S . -B build/fuzz -DKAM_FUZZ=ON -DKAM_BUILD_TESTS=OFF -DKAM_BUILD_BENCH=OFF \
  -DKAM_BUILD_LUA=OFF -DKAM_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" > build/fuzz.build.log 2>&1 || { cat build/fuzz.build.log; exit 1; }
targets=${*:-$(ls fuzz/*_fuzz.c | sed 's,fuzz/\(.*\)_fuzz.c,\1,')}
for t in $targets; do
  mkdir -p "fuzz/corpus/$t" "build/fuzz/new-$t"
  dict=""
  [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
  case $t in
    money | title) max_len=65536 ;; # one amount, one title: longer inputs only repeat
    *) max_len=4194304 ;;
  esac
  echo "== $t: fuzzing for ${secs}s"
  # shellcheck disable=SC2086
  "build/fuzz/fuzz/${t}_fuzzer" -max_total_time="$secs" -print_final_stats=1 -max_len="$max_len" \
    -timeout=5 -rss_limit_mb=2048 $dict "build/fuzz/new-$t" "fuzz/corpus/$t" \
    > "build/fuzz/$t.log" 2>&1 || {
    tail -60 "build/fuzz/$t.log"
    echo "fuzz: $t found a crash, a slow input (over 5 s) or one over 2 GiB: see build/fuzz/$t.log"
    exit 1
  }
  grep -E '^#[0-9]+.*(DONE|pulse)' "build/fuzz/$t.log" | tail -1
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "build/fuzz/$t.log"
  "build/fuzz/fuzz/${t}_fuzzer" -merge=1 "fuzz/corpus/$t" "build/fuzz/new-$t" > "build/fuzz/$t.merge.log" 2>&1
  grep -E 'MERGE-OUTER: [0-9]+ new files' "build/fuzz/$t.merge.log" || true
  rm -rf "build/fuzz/new-$t"
done
