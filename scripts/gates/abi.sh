#!/bin/sh
# ABI gate: the built libkam.so against the committed baseline abi/libkam.abi.
# Allowed: added functions, and fields appended at the end of structs (the struct_size rule);
# anything else fails. See abi/README.md for updating the baseline on purpose.
set -eu
root=$1
lib="$root/build/gcc/libkam.so"
base="$root/abi/libkam.abi"
if ! command -v abidiff > /dev/null; then echo "abi: abidiff not installed (abigail-tools)"; exit 1; fi
if [ ! -f "$base" ]; then echo "abi: no baseline $base"; exit 1; fi
new=$(mktemp)
trap 'rm -f "$new"' EXIT
abidw --headers-dir "$root/include" --out-file "$new" "$lib"
if abidiff --suppressions "$root/abi/suppressions.ini" --headers-dir1 "$root/include" \
     --headers-dir2 "$root/include" "$base" "$new"; then
  echo "abi: 1 passed, 0 failed (no change against abi/libkam.abi beyond what is allowed)"
else
  rc=$?
  echo "abi: abidiff exit $rc: the ABI changed (bits: 4 change, 8 incompatible change). If on purpose, see abi/README.md"
  exit 1
fi
