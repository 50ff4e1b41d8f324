#!/bin/sh
# Segmentation of a partitioned portfolio on a Dask LocalCluster: libkam through kam.dask against
# Dask's own way (sort_values, cumulative sum, classify) on the same cluster and data, and
# against one-machine libkam (kam.Portfolio) on the concatenated column.
#
#   bench/dask.sh [BUILD_DIR] [N] [PARTITIONS] [WORKERS]
#
# BUILD_DIR defaults to ./build (it must hold libkam.so). N defaults to 4,000,000 accounts (a few
# minutes on 2 cores; the goal size is 100,000,000 in 32 partitions), PARTITIONS to 32, WORKERS
# (processes, one thread each) to 2. Revenues are Pareto (alpha 1.16, minor units), generated
# inside the workers, one seeded partition per task, so no data leaves the driver. Prints the
# best of 3 wall times of each way (each one computes the summary and every account's class),
# the ratios (goals: Dask's own way / kam.dask >= 10, kam.dask / one machine <= 3), and the
# bytes each partition sends in round 1 (min / mean / max) and the merged partial's size.
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
