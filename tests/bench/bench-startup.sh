#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-startup.sh — time to first frame and peak RSS of
# `tradewarden --demo` against bench-bare-window (one AdwApplicationWindow with
# a header bar and a label, built with the same flags), measured in the same
# run: N runs each (default 7, TW_BENCH_RUNS), alternating, same renderer
# (GSK_RENDERER=cairo), median first frame ("FIRST_FRAME <µs since main>",
# printed after the first painted frame) and median peak RSS (/usr/bin/time -v).
# Goals: first frame ≤ 1.5×, RSS ≤ 1.3× the bare window's.
#
# Needs a display and a session bus: run it through tests/bench/run
# (`build-aux/run bench`), which starts the headless session.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${TW_BUILD_DIR:-$repo/_build}
runs=${TW_BENCH_RUNS:-7}

app=$build/src/tradewarden
bare=$build/tests/bench/bench-bare-window

die () {
  echo "bench-startup: $*" >&2
  exit 1
}

[ -x "$app" ] || die "$app is not built: run ninja -C $build"
[ -x "$bare" ] || die "$bare is not built: run ninja -C $build"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time (build-aux/run deps)"
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || die "no display: run through tests/bench/run"

# Both programs see the same environment: the renderer, the schema and icons of
# the build (as build-aux/run demo does), no malloc perturbation.
export GSK_RENDERER=cairo
export GSETTINGS_SCHEMA_DIR="$build/data"
export XDG_DATA_DIRS="$repo/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export TW_BENCH_FIRST_FRAME=1
unset MALLOC_PERTURB_ MALLOC_CHECK_

work=$(mktemp -d "${TMPDIR:-/tmp}/tw-bench-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

median () {
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_one NAME COMMAND...: one run; appends the first frame (µs) and the peak RSS (kB).
run_one () {
  local name=$1 out=$work/out err=$work/time frame rss
  shift
  if ! timeout 60 /usr/bin/time -v -o "$err" "$@" > "$out" 2> "$work/stderr"; then
    cat "$work/stderr" >&2
    die "$name did not exit cleanly (see above)"
  fi
  frame=$(sed -n 's/^FIRST_FRAME \([0-9][0-9]*\)$/\1/p' "$out" | head -n 1)
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): \([0-9][0-9]*\)$/\1/p' "$err")
  [ -n "$frame" ] || die "$name printed no FIRST_FRAME line"
  [ -n "$rss" ] || die "/usr/bin/time -v gave no peak RSS for $name"
  echo "$frame" >> "$work/$name.frame"
  echo "$rss" >> "$work/$name.rss"
  printf '  run %-10s first frame %6.1f ms  peak RSS %6.1f MB\n' "$name" \
    "$(awk -v v="$frame" 'BEGIN { print v / 1000 }')" "$(awk -v v="$rss" 'BEGIN { print v / 1024 }')"
}

echo "Startup: tradewarden --demo against a bare GTK 4 + libadwaita window, $runs runs each, alternating, GSK_RENDERER=$GSK_RENDERER"
echo "  load average before: $(cut -d ' ' -f 1-3 /proc/loadavg) (other work on the machine adds noise)"
# One untimed run each first: the page cache holds both binaries and libraries.
run_one warmup-app "$app" --demo > /dev/null
run_one warmup-bare "$bare" > /dev/null
for i in $(seq "$runs"); do
  run_one bare "$bare"
  run_one app "$app" --demo
done

app_frame=$(median < "$work/app.frame")
bare_frame=$(median < "$work/bare.frame")
app_rss=$(median < "$work/app.rss")
bare_rss=$(median < "$work/bare.rss")

echo "  load average after:  $(cut -d ' ' -f 1-3 /proc/loadavg)"
awk -v af="$app_frame" -v bf="$bare_frame" -v ar="$app_rss" -v br="$bare_rss" -v n="$runs" 'BEGIN {
  fr = af / bf; rr = ar / br
  printf "  median first frame: tradewarden --demo %.1f ms, bare window %.1f ms: %.2f× — goal ≤ 1.5×: %s\n",
         af / 1000, bf / 1000, fr, fr <= 1.5 ? "met" : "MISSED"
  printf "  median peak RSS:    tradewarden --demo %.1f MB, bare window %.1f MB: %.2f× — goal ≤ 1.3×: %s\n",
         ar / 1024, br / 1024, rr, rr <= 1.3 ? "met" : "MISSED"
  printf "RESULT startup runs=%d app_first_frame_ms=%.1f bare_first_frame_ms=%.1f frame_ratio=%.2f app_rss_mb=%.1f bare_rss_mb=%.1f rss_ratio=%.2f\n",
         n, af / 1000, bf / 1000, fr, ar / 1024, br / 1024, rr
}'
