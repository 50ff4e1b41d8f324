#!/bin/sh
# scripts/demo.sh - installs what is missing, builds libkam and runs the main jobs on the
# bundled data: the finance examples, the segmentation of the sample portfolio (with its Pareto
# chart and each key account's health), its retention bridge (hunting and farming, with a
# waterfall chart), the typing of the sample decision-making unit, and the sample proposal
# rendered to proposal.html and proposal.md, and the sample key account plan to plan.html
# (written to the current directory's demo/ folder).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/deps.sh" demo
cmake -S "$root" -B "$root/build/demo" -DCMAKE_BUILD_TYPE=Release -DKAM_BUILD_TESTS=OFF -DKAM_BUILD_BENCH=OFF > /dev/null
cmake --build "$root/build/demo" -j "$(nproc 2>/dev/null || echo 2)" > /dev/null
kam="$root/build/demo/examples/kam"
data="$root/examples/data"
out=${KAM_DEMO_OUT:-$PWD/demo}
mkdir -p "$out"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "kam $*"; "$kam" "$@"; }

run npv --rate 0.1 -- -10000 3000 4200 6800
run irr -- -70000 12000 15000 18000 21000 26000
run xirr -- 2008-01-01:-10000 2008-03-01:2750 2008-10-30:4250 2009-02-15:3250 2009-04-01:2750
if [ -f "$data/accounts.csv" ]; then
  run segment "$data/accounts.csv" --svg "$out/pareto.svg"
  run segment "$data/accounts.csv" --basis margin --unit group --limit 5
  run retention "$data/accounts.csv" --window 6 --svg "$out/bridge.svg"
  echo "(Pareto chart in $out/pareto.svg, retention bridge in $out/bridge.svg)"
fi
run title "Заместитель генерального директора по финансам"
if [ -f "$data/stakeholders.csv" ]; then
  run dmu "$data/stakeholders.csv"
fi
if [ -f "$data/proposal.json" ]; then
  say "kam proposal $data/proposal.json --format html > $out/proposal.html"
  "$kam" proposal "$data/proposal.json" --format html > "$out/proposal.html"
  say "kam proposal $data/proposal.json --format markdown > $out/proposal.md"
  "$kam" proposal "$data/proposal.json" --format markdown > "$out/proposal.md"
  head -40 "$out/proposal.md"
  echo "(proposal written to $out/proposal.html and $out/proposal.md)"
fi
if [ -f "$data/plan.json" ]; then
  say "kam plan $data/plan.json --format html > $out/plan.html"
  "$kam" plan "$data/plan.json" --format html > "$out/plan.html"
  say "kam plan $data/plan.json --check"
  "$kam" plan "$data/plan.json" --check
  echo "(key account plan written to $out/plan.html)"
fi
