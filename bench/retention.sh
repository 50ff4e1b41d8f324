#!/bin/sh
# Retention benchmark: libkam's kam_portfolio_retention against pandas and numpy on the same
# 10,000,000 accounts x 12 periods of history, in the same run.
#
#   bench/retention.sh [BUILD_DIR] [N]
#
# BUILD_DIR defaults to ./build (it must hold bench/bench_retention). Prints each tool's best
# wall and CPU time (libkam: best of 5, run before and after the peers; peers: best of 3), the
# ratios (goal: numpy / libkam >= 20 on one thread), and checks that the three agree on every
# figure of the bridge, NRR/GRR and the count of each status. The peers run with
# /usr/bin/python3 and are single-threaded; libkam's retention has no threaded path. Loading
# the portfolio (kam_portfolio_add per account) is not timed, as the peers' np.fromfile is not.
set -eu
BUILD=${1:-build}
N=${2:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$BUILD/bench/bench_retention
DATA=${TMPDIR:-/tmp}/kam_bench_retention_$$.bin
trap 'rm -f "$DATA"' EXIT INT TERM

[ -x "$BENCH" ] || { echo "retention.sh: $BENCH not found (build first)" >&2; exit 2; }
echo "bench retention: $N accounts x 12 periods, window 6, threshold 0.10, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
"$BENCH" --write "$DATA" "$N"

field() { # field NAME LINE
  echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
better() {
  if awk -v a="$(field wall_ms "$1")" -v b="$(field wall_ms "$2")" 'BEGIN { exit !(a <= b) }'; then
    echo "$1"
  else
    echo "$2"
  fi
}

KAM=$("$BENCH" --read "$DATA" 5)
PEERS=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$HERE/retention_peer.py" "$DATA" 3)
# libkam again after the peers (the machine's state drifts while they run): the better counts
KAM=$(better "$KAM" "$("$BENCH" --read "$DATA" 5)")
echo "$KAM"
echo "$PEERS"
PANDAS=$(echo "$PEERS" | grep '^pandas')
NUMPY=$(echo "$PEERS" | grep '^numpy')
for kind in wall cpu; do
  k=$(field ${kind}_ms "$KAM")
  echo "ratio, libkam on 1 thread, $kind time: pandas/libkam $(ratio "$(field ${kind}_ms "$PANDAS")" "$k")x," \
       "numpy/libkam $(ratio "$(field ${kind}_ms "$NUMPY")" "$k")x (goal 20x)"
done
for peer in "$PANDAS" "$NUMPY"; do
  for f in start new expansion contraction churn end nrr grr inactive new_n lost expanding contracting stable; do
    [ "$(field $f "$peer")" = "$(field $f "$KAM")" ] ||
      { echo "MISMATCH: $f differs: $peer" >&2; exit 1; }
  done
done
echo "bridge, NRR/GRR and status counts agree (start $(field start "$KAM"), end $(field end "$KAM"))"
