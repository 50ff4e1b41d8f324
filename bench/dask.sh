#!/bin/sh
# Segmentation of a partitioned portfolio on a Dask LocalCluster: libkam through kam.dask against
# Dask's own way (sort_values, cumulative sum, classify) on the same cluster and data, and
# against one-machine libkam (kam.Portfolio) on the concatenated column.
#
#   bench/dask.sh [BUILD_DIR] [N] [PARTITIONS] [WORKERS]
#
# BUILD_DIR defaults to ./build (it must hold libkam.so). N defaults to 100,000,000 accounts
# (the issue's size; about 5 minutes on 2 cores, most of it Dask's own way, and about 6 GiB),
# PARTITIONS to 32, WORKERS (processes, one thread each) to 2. Revenues are Pareto (alpha 1.16,
# minor units), generated inside the workers, one seeded partition per task, and persisted once,
# so no data leaves the driver before the timed runs. Each way computes the summary and every
# account's class (kept on the workers: persist; one machine: the classes array). Prints the best
# of KAM_REPS (3) wall times of kam.dask and one machine and of DASK_OWN_REPS (3 up to 20M
# accounts, else 1) of Dask's own way (DASK_OWN_SKIP=1 leaves it out; KAM_SPLIT_EVERY sets
# kam.dask.segment's split_every, default 32), kam.dask's time per
# phase, the ratios (goals: Dask's own way / kam.dask >= 10, kam.dask / one machine <= 3), and
# the bytes per partition and per round: round 1 (min / mean / max of the partials), what
# reaches the driver, round 2, and the merged partial's size.
# Needs python3-dask and python3-distributed (scripts/deps.sh test).
set -eu
BUILD=${1:-build}
N=${2:-100000000}
PARTS=${3:-32}
WORKERS=${4:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$(cd "$BUILD" && pwd)/libkam.so
[ -f "$LIB" ] || { echo "dask.sh: $LIB not found (build first)" >&2; exit 2; }
KAM_LIBRARY=$LIB PYTHONPATH=$HERE/../bindings/python${PYTHONPATH:+:$PYTHONPATH} \
  exec /usr/bin/python3 "$HERE/dask_peer.py" "$N" "$PARTS" "$WORKERS"
