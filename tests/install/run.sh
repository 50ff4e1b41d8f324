#!/bin/sh
# run.sh SOURCE_DIR [CLI]: the one-command installs a user runs, into throwaway trees.
# 1. pip install ./bindings/python into a fresh virtualenv (no network, no KAM_LIBRARY): import kam
#    loads the libkam bundled in the package; then the whole Python suite against the installed
#    package (a second venv that sees Debian's pytest, numpy and pandas).
# 2. pip wheel builds a platform wheel that carries libkam.so.0.
# 3. luarocks make of bindings/lua's rockspec into a tree: require "kam" works from it.
set -eu
src=$(cd "$1" && pwd)
cli=${2:-}
[ -z "$cli" ] || cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KAM_LIBRARY PYTHONPATH || true
n=0

"$py" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-index "$src/bindings/python" > "$work/pip.log" 2>&1 || {
  cat "$work/pip.log"; exit 1; }
(cd "$work" && "$work/venv/bin/python" -c '
import os, kam
assert os.path.dirname(kam._native.lib._name) == os.path.dirname(kam.__file__), kam._native.lib._name
assert round(kam.npv(0.1, [-10000, 3000, 4200, 6800]), 2) == 1188.44
print("pip install: import kam loads", kam._native.lib._name)')
n=$((n + 1))

if [ -n "$cli" ]; then
  "$py" -m venv --system-site-packages "$work/venv-tests"
  "$work/venv-tests/bin/pip" install -q --no-index "$src/bindings/python" > "$work/pip2.log" 2>&1 || {
    cat "$work/pip2.log"; exit 1; }
  (cd "$work" && KAM_PYTHON_INSTALLED=1 KAM_SOURCE_DIR="$src" KAM_CLI="$cli" \
    "$work/venv-tests/bin/python" -m pytest -q -p no:cacheprovider "$src/tests/python" > "$work/pytest.log" 2>&1) || {
    tail -60 "$work/pytest.log"; exit 1; }
  tail -1 "$work/pytest.log"
  n=$((n + 1))
fi

(cd "$work" && "$py" -m pip wheel -q --no-index -w "$work/dist" "$src/bindings/python" > "$work/wheel.log" 2>&1) || {
  cat "$work/wheel.log"; exit 1; }
whl=$(ls "$work"/dist/kam-*.whl)
"$py" -m zipfile -l "$whl" > "$work/wheel.list"
grep -q 'kam/libkam.so.0' "$work/wheel.list" || { echo "wheel without libkam: $whl"; exit 1; }
echo "pip wheel: $(basename "$whl")"
n=$((n + 1))

if command -v luarocks > /dev/null 2>&1; then
  (cd "$src" && luarocks --lua-version 5.4 --tree "$work/rocks" make bindings/lua/kam-*.rockspec \
     > "$work/rocks.log" 2>&1) || { cat "$work/rocks.log"; exit 1; }
  rm -rf "$src/build.luarocks"
  out=$(cd "$work" && LUA_CPATH="$work/rocks/lib/lua/5.4/?.so" lua5.4 -e \
    'local kam = require "kam"; print(string.format("%.2f", kam.npv(0.1, {-10000, 3000, 4200, 6800})))')
  test "$out" = "1188.44" || { echo "luarocks: kam.npv gave '$out'"; exit 1; }
  echo "luarocks make: require 'kam' from $work/rocks"
  n=$((n + 1))
fi
echo "install: $n passed, 0 failed"
