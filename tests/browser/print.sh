# print.sh - sourced by the browser checks: print_html NAME OUTDIR prints OUTDIR/NAME.html to
# OUTDIR/NAME.pdf and a screenshot OUTDIR/NAME.png with headless Chromium ($KAM_CHROMIUM, or
# chromium / chromium-browser / google-chrome on PATH); exits 77 without Chromium and 1 when
# Chromium writes nothing.
print_html() {
  name=$1 dir=$2
  browser=${KAM_CHROMIUM:-}
  if [ -z "$browser" ]; then
    for b in chromium chromium-browser google-chrome; do
      if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
    done
  fi
  [ -n "$browser" ] || { echo "$name: no Chromium found (apt-get install chromium)"; exit 77; }
  profile=$(mktemp -d)
  html="file://$(cd "$dir" && pwd)/$name.html"
  flags="--headless --no-sandbox --disable-gpu --disable-background-networking
    --disable-component-update --disable-sync --no-first-run --no-default-browser-check
    --user-data-dir=$profile --no-pdf-header-footer --print-to-pdf-no-header"
  rm -f "$dir/$name.pdf" "$dir/$name.png"
  # shellcheck disable=SC2086
  timeout 180 "$browser" $flags --print-to-pdf="$dir/$name.pdf" "$html" >"$dir/chromium.log" 2>&1 || true
  # shellcheck disable=SC2086
  timeout 180 "$browser" $flags --window-size=1000,1400 --screenshot="$dir/$name.png" "$html" \
    >>"$dir/chromium.log" 2>&1 || true
  rm -rf "$profile"
  [ -s "$dir/$name.pdf" ] || { echo "$name: Chromium wrote no PDF (see $dir/chromium.log)"; exit 1; }
  [ -s "$dir/$name.png" ] || { echo "$name: Chromium wrote no screenshot (see $dir/chromium.log)"; exit 1; }
}
