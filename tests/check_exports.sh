#!/bin/sh
# check_exports.sh LIB MAP INCLUDE_DIR: the library exports exactly the kam_* symbols listed in
# the version script, and every KAM_API function declared in the public headers is exported.
set -eu
lib=$1 map=$2 inc=$3
tmp=${TMPDIR:-/tmp}/kam_exports.$$
trap 'rm -f "$tmp".*' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sed 's/@.*//' | grep -v '^KAM_0$' | sort -u > "$tmp.lib"
sed 's,/\*.*\*/,,g' "$map" | tr ';' '\n' | sed -n 's/^[[:space:]]*\(kam_[a-z0-9_]*\)[[:space:]]*$/\1/p; s/^.*global:[[:space:]]*//p' | grep '^kam_' | sort -u > "$tmp.map"
cat "$inc"/kam/*.h | tr '\n' ' ' | sed 's/;/;\n/g' | grep 'KAM_API' | sed -n 's/.*[ *]\(kam_[a-z0-9_]*\)[[:space:]]*(.*/\1/p' | sort -u > "$tmp.hdr"
status=0
bad=$(grep -v '^kam_' "$tmp.lib" || true)
if [ -n "$bad" ]; then echo "exported symbols without the kam_ prefix:"; echo "$bad"; status=1; fi
if ! diff -u "$tmp.map" "$tmp.lib" > "$tmp.diff"; then
  echo "exports differ from src/exports/*.sym (- only in the map, + only in the library):"; cat "$tmp.diff"; status=1
fi
if ! diff -u "$tmp.hdr" "$tmp.lib" > "$tmp.diff2"; then
  echo "exports differ from the KAM_API declarations in include/ (- only in headers, + only in the library):"; cat "$tmp.diff2"; status=1
fi
[ $status -eq 0 ] && echo "exports: $(wc -l < "$tmp.lib") kam_* symbols, map and headers agree"
exit $status
