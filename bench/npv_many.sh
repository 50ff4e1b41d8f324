#!/bin/sh
# bench/npv_many.sh [ROWS [COLS]]: libkam's kam_npv_many against numpy on the same data, same run.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/deps.sh" bench
cmake -S "$root" -B "$root/build/bench" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$root/build/bench" --target bench_npv_many -j 2 > /dev/null
rows=${1:-1000000} cols=${2:-60}
kam_out=$("$root/build/bench/bench/bench_npv_many" "$rows" "$cols")
echo "$kam_out"
# OpenBLAS knobs set on some machines slow a current numpy: unset them for the peer only.
peer_out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$root/bench/npv_many_peer.py" "$rows" "$cols")
echo "$peer_out"
k=$(echo "$kam_out" | awk '/^libkam_seconds/ {print $2}')
n=$(echo "$peer_out" | awk '/^numpy_seconds/ {print $2}')
m=$(echo "$peer_out" | awk '/^matmul_seconds/ {print $2}')
awk -v k="$k" -v n="$n" -v m="$m" 'BEGIN {
  printf "ratio: libkam is %.1fx faster than numpy (numpy-financial formulation; goal >= 3x)\n", n / k
  printf "ratio: libkam is %.1fx faster than numpy matmul (values @ factors, BLAS)\n", m / k }'
