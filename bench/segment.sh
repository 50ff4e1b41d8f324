#!/bin/sh
# ABC segmentation benchmark: libkam against pandas and numpy on the same 10,000,000 Pareto
# revenues, in the same run, then libkam alone at 100,000,000 accounts.
#
#   bench/segment.sh [BUILD_DIR] [N] [BIG_N]
#
# BUILD_DIR defaults to ./build (it must hold bench/bench_segment). Prints each tool's best wall
# and CPU time, the ratios (goals: pandas / libkam >= 50, numpy / libkam >= 25), libkam's peak
# allocation against the size of the revenue array (goal: below 3x), and the time at BIG_N.
# The peers run with /usr/bin/python3 and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE. Both
# configurations are run: plain glibc malloc, then both sides with transparent huge pages.
# libkam runs twice in each: on one thread (the default), then with kam_ctx_set_threads(ctx,
# nproc) (KAM_THREADS); the peers are single-threaded (numpy's argsort and pandas' sort are).
# Times are the best of 10 (libkam: 5 before the peers, 5 after) and 3 (peers) repetitions,
# wall clock and process CPU time (on a shared, loaded machine the CPU-time ratio is the steadier
# one).
set -eu
BUILD=${1:-build}
N=${2:-10000000}
BIG=${3:-100000000}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$BUILD/bench/bench_segment
DATA=${TMPDIR:-/tmp}/kam_bench_segment_$$.bin
trap 'rm -f "$DATA"' EXIT INT TERM

[ -x "$BENCH" ] || { echo "segment.sh: $BENCH not found (build first)" >&2; exit 2; }
THREADS=$(nproc)
echo "bench segment: $N accounts, Pareto revenues (alpha 1.16), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
"$BENCH" --write "$DATA" "$N"

field() { # field NAME LINE
  echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
# better LINE1 LINE2: the libkam line with the lower wall time
better() {
  if awk -v a="$(field wall_ms "$1")" -v b="$(field wall_ms "$2")" 'BEGIN { exit !(a <= b) }'; then
    echo "$1"
  else
    echo "$2"
  fi
}

# compare LABEL [ENV...]: libkam and both peers under the same environment
compare() {
  label=$1
  shift
  echo "== $label"
  KAM=$(env "$@" KAM_THREADS=1 "$BENCH" --read "$DATA" 5)
  KAMT=$(env "$@" KAM_THREADS="$THREADS" "$BENCH" --read "$DATA" 5)
  PEERS=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@" /usr/bin/python3 "$HERE/segment_peer.py" "$DATA" 3)
  # libkam again after the peers (the machine's state drifts over the ~30 s they take): the
  # better of the two runs counts, as the best of their repetitions does for the peers.
  KAM=$(better "$KAM" "$(env "$@" KAM_THREADS=1 "$BENCH" --read "$DATA" 5)")
  KAMT=$(better "$KAMT" "$(env "$@" KAM_THREADS="$THREADS" "$BENCH" --read "$DATA" 5)")
  echo "$KAM"
  echo "$KAMT"
  echo "$PEERS"
  PANDAS=$(echo "$PEERS" | grep '^pandas')
  NUMPY=$(echo "$PEERS" | grep '^numpy')
  for run in "$KAM" "$KAMT"; do
    t=$(field threads "$run")
    for kind in wall cpu; do
      k=$(field ${kind}_ms "$run")
      echo "ratio, libkam on $t thread(s), $kind time: pandas/libkam $(ratio "$(field ${kind}_ms "$PANDAS")" "$k")x (goal 50x)," \
           "numpy/libkam $(ratio "$(field ${kind}_ms "$NUMPY")" "$k")x (goal 25x)"
    done
  done
  for peer in "$PANDAS" "$NUMPY"; do
    for c in A B C; do
      [ "$(field $c "$peer")" = "$(field $c "$KAM")" ] && [ "$(field $c "$KAMT")" = "$(field $c "$KAM")" ] ||
        { echo "MISMATCH: class $c counts differ: $peer" >&2; exit 1; }
    done
  done
  echo "class counts agree (A $(field A "$KAM"), B $(field B "$KAM"), C $(field C "$KAM"))"
  for run in "$KAM" "$KAMT"; do
    echo "peak libkam allocation ($(field threads "$run") thread(s)): $(field peak_bytes "$run") bytes =" \
         "$(ratio "$(field peak_bytes "$run")" "$(field revenue_bytes "$run")")x the revenue array (goal < 3x)"
  done
}

# 1. as the machine comes: glibc malloc, 4 KiB pages (page faults on fresh memory count).
compare "default malloc" KAM_BENCH=1
# 2. both sides with transparent huge pages for malloc's large blocks (glibc >= 2.35).
compare "both with GLIBC_TUNABLES=glibc.malloc.hugetlb=1" GLIBC_TUNABLES=glibc.malloc.hugetlb=1

if [ "$BIG" != 0 ]; then
  # best of 3: on a VM the first touch of memory the guest never used is several times slower
  echo "== libkam at $BIG accounts (default malloc, best of 3):"
  KAM_THREADS=1 "$BENCH" --n "$BIG" 3
  KAM_THREADS="$THREADS" "$BENCH" --n "$BIG" 3
fi
