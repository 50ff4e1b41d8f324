#!/bin/sh
# render.sh - libkam's Mustache renderer against mustache.js 4.2.0 on the same proposal template,
# partials and data (bench/data), in the same run.
#
#   bench/render.sh [BUILD_DIR] [ITERATIONS]      (defaults: build, 100000)
#
# Installs mustache@4.2.0 into bench/node_modules (git-ignored) on first use, renders once with
# each and checks that both outputs are byte-identical, then times ITERATIONS renders of each
# and prints both throughputs and the ratio.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
iterations=${2:-100000}
bin=$build/bench/bench_render

if [ ! -x "$bin" ]; then
  echo "render.sh: $bin not found: build first (cmake --build $build --target bench_render)" >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "render.sh: node is not installed" >&2
  exit 2
fi
if [ ! -f "$here/node_modules/mustache/package.json" ] ||
   ! grep -q '"version": "4.2.0"' "$here/node_modules/mustache/package.json"; then
  echo "installing mustache@4.2.0 into $here/node_modules ..."
  npm install --prefix "$here" --no-save --no-package-lock --silent mustache@4.2.0
fi

tmp=${TMPDIR:-/tmp}/kam_render_bench.$$
trap 'rm -f "$tmp".*' EXIT

# Same output first: otherwise the comparison means nothing.
"$bin" "$here/data" --iterations 1 --out "$tmp.kam" >/dev/null
node "$here/render.js" "$here/data" --iterations 1 --out "$tmp.js" >/dev/null
if ! cmp -s "$tmp.kam" "$tmp.js"; then
  echo "render.sh: the outputs differ:" >&2
  diff "$tmp.js" "$tmp.kam" | head -20 >&2
  exit 1
fi
echo "outputs identical ($(wc -c < "$tmp.kam") bytes)"

"$bin" "$here/data" --iterations "$iterations" | tee "$tmp.kam_time"
node "$here/render.js" "$here/data" --iterations "$iterations" | tee "$tmp.js_time"

kam_rate=$(sed -n 's/.* \([0-9.]*\) renders\/s.*/\1/p' "$tmp.kam_time")
js_rate=$(sed -n 's/.* \([0-9.]*\) renders\/s.*/\1/p' "$tmp.js_time")
awk -v k="$kam_rate" -v j="$js_rate" 'BEGIN {
  printf "ratio: libkam renders %.1fx the throughput of mustache.js (goal: >= 2x)\n", k / j }'
