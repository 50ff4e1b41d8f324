#!/bin/sh
# bench/totals.sh [N]: libkam's exact totals engine against Python's decimal on the same lines,
# same run; the totals must agree to the kopeck.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build/bench" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$root/build/bench" --target bench_totals -j 2 > /dev/null
n=${1:-1000000}
kam_out=$("$root/build/bench/bench/bench_totals" "$n")
echo "$kam_out"
peer_out=$(/usr/bin/python3 "$root/bench/totals_peer.py" "$n")
echo "$peer_out"
for mode in line total; do
  a=$(echo "$kam_out" | grep "^totals_$mode ")
  b=$(echo "$peer_out" | grep "^totals_$mode ")
  if [ "$a" != "$b" ]; then echo "MISMATCH in $mode rounding: libkam '$a', python '$b'"; exit 1; fi
  k=$(echo "$kam_out" | awk "/^libkam_${mode}_seconds/ {print \$2}")
  p=$(echo "$peer_out" | awk "/^python_${mode}_seconds/ {print \$2}")
  awk -v k="$k" -v p="$p" -v m="$mode" 'BEGIN { printf "ratio (%s rounding): libkam is %.0fx faster than Python decimal, same totals\n", m, p / k }'
done
