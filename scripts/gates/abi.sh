#!/bin/sh
# ABI gate: the built libkam.so against the committed baseline in abi/.
# Allowed: added functions, and fields appended at the end of structs (the struct_size rule);
# anything else fails. Two comparisons, because libabigail 2.2 reads type changes reliably only
# from ELF files (XML-to-XML and XML-to-ELF miss a changed parameter type; seen here):
#   1. abi/libkam.so.0 (the baseline library, with debug info) against the new library;
#   2. abi/libkam.abi (the abidw dump, readable in review) against the new library: symbols.
# See abi/README.md for updating the baseline on purpose.
set -eu
root=$1
lib="$root/build/gcc/libkam.so"
if ! command -v abidiff > /dev/null; then echo "abi: abidiff not installed (abigail-tools)"; exit 1; fi
for f in libkam.so.0 libkam.abi suppressions.ini; do
  [ -f "$root/abi/$f" ] || { echo "abi: missing baseline abi/$f"; exit 1; }
done
n=0
for base in "$root/abi/libkam.so.0" "$root/abi/libkam.abi"; do
  if abidiff --suppressions "$root/abi/suppressions.ini" --headers-dir1 "$root/include" \
       --headers-dir2 "$root/include" "$base" "$lib" > "$root/build/abidiff.log" 2>&1; then
    n=$((n + 1))
  else
    rc=$?
    cat "$root/build/abidiff.log"
    echo "abi: abidiff against $(basename "$base") exit $rc: the ABI changed (bits: 4 change, 8 incompatible, 12 removed symbols). If on purpose, see abi/README.md"
    exit 1
  fi
done
echo "abi: $n passed, 0 failed (no change against abi/ beyond added functions and appended fields)"
