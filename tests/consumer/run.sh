#!/bin/sh
# run.sh SOURCE_DIR BUILD_DIR: installs libkam from BUILD_DIR into a temporary prefix, then builds
# and runs a consumer through pkg-config and through find_package(kam); then builds the same
# consumer with libkam as a subproject (add_subdirectory and FetchContent) from SOURCE_DIR.
set -eu
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
libdir=$(ls -d "$work"/prefix/lib*/pkgconfig | head -1 | xargs dirname)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# 1. pkg-config
cc -std=c11 -Wall -Werror $(pkg-config --cflags kam) "$src/tests/consumer/main.c" -o "$work/pc" $(pkg-config --libs kam) -lm
LD_LIBRARY_PATH="$libdir" "$work/pc"
# 2. find_package(kam)
cmake -S "$src/tests/consumer" -B "$work/cm" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/cm.log"
cmake --build "$work/cm" > "$work/cmb.log"
LD_LIBRARY_PATH="$libdir" "$work/cm/consumer"
"$work/cm/consumer_static"
# 3. the installed CLI and headers
test "$("$work/prefix/bin/kam" npv --rate 0.1 -- -10000 3000 4200 6800)" = "1188.44"
test -f "$work/prefix/include/kam.h" && test -f "$work/prefix/include/kam/finance.h"
# 4. libkam as a subproject: only the library is built, kam::kam and kam::kam_static link
for via in add_subdirectory FetchContent; do
  cmake -S "$src/tests/consumer/subproject" -B "$work/sub-$via" -DKAM_SOURCE="$src" -DKAM_VIA=$via \
    > "$work/sub-$via.log" 2>&1 || { cat "$work/sub-$via.log"; exit 1; }
  cmake --build "$work/sub-$via" -j 2 > "$work/sub-$via.build.log" 2>&1 || {
    cat "$work/sub-$via.build.log"; exit 1; }
  "$work/sub-$via/consumer"
  "$work/sub-$via/consumer_static"
done
echo "consumer: 5 passed, 0 failed"
