#!/bin/sh
# check_headers.sh INCLUDE_DIR CC: every public header compiles alone as C99 -pedantic and as C++.
set -eu
inc=$1 cc=$2
tmp=${TMPDIR:-/tmp}/kam_hdr.$$
mkdir -p "$tmp"; trap 'rm -rf "$tmp"' EXIT
cxx=$(command -v g++ || command -v clang++ || true)
for h in kam.h $(cd "$inc" && ls kam/*.h); do
  printf '#include "%s"\nint main(void) { return 0; }\n' "$h" > "$tmp/t.c"
  "$cc" -std=c99 -pedantic-errors -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o" || { echo "C99: $h"; exit 1; }
  if [ -n "$cxx" ]; then
    printf '#include "%s"\nint main() { return 0; }\n' "$h" > "$tmp/t.cpp"
    "$cxx" -std=c++11 -pedantic-errors -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o" || { echo "C++: $h"; exit 1; }
  fi
done
# Installed headers are the manual of a user who has no repository: they cite none of its files
# (design notes, sources, tests) and no measured timings of a machine.
if grep -nE 'DESIGN|src/|tests/|examples/|bench/|\.c\b|[0-9] ?(ms|µs|GB/s|MB/s)\b' "$inc/kam.h" "$inc"/kam/*.h; then
  echo "headers: the lines above cite repository files or machine timings"; exit 1
fi
echo "headers: all compile as C99 -pedantic and as C++11; no repository paths or timings"
