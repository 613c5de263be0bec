#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-poll.sh — 200 services polled every second against the
# simulator (a separate process) for 30 s: the console's CPU per request against
# a bare libsoup client's (goal ≤ 1.3×) and its longest main-loop stall (≤ 16 ms).
# bench-poll does the work (see its header); TW_BENCH_POLL_SERVICES,
# TW_BENCH_POLL_SECONDS change the defaults.
#
# Needs a display and a session bus: run it through tests/bench/run
# (`build-aux/run bench`), which starts the headless session.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${TW_BUILD_DIR:-$repo/_build}

bench=$build/tests/bench/bench-poll
sim=$build/src/sim/tradewarden-sim

die () {
  echo "bench-poll: $*" >&2
  exit 1
}

[ -x "$bench" ] || die "$bench is not built: run ninja -C $build"
[ -x "$sim" ] || die "$sim is not built: run ninja -C $build"
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || die "no display: run through tests/bench/run"

export GSK_RENDERER=cairo
export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
export XDG_DATA_DIRS="$repo/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
unset MALLOC_PERTURB_ MALLOC_CHECK_ TW_BENCH_FIRST_FRAME
# The 40 Alpaca services of the benchmark share the simulator's one key pair, whose
# 200 requests a minute they would pass in seconds (real ones have a key pair each).
export TW_SIM_ALPACA_RATE_LIMIT=${TW_SIM_ALPACA_RATE_LIMIT:-1000000}

services=${TW_BENCH_POLL_SERVICES:-200}

# The baseline of the memory per service, in the same run: the same bench with 5
# services (one per flavor, as the demo), 5-second windows, no floor. Its peak resident
# set is what the 200 services' is compared with (issue 17: ≤ 150 kB per extra service).
# TW_BENCH_POLL_BASELINE_KB=KB skips it (0: no comparison).
baseline_kb=${TW_BENCH_POLL_BASELINE_KB:-}
if [ -z "$baseline_kb" ] && [ "$services" -gt 5 ]; then
  echo "Baseline: 5 services, 5-second windows (the memory per service is measured against it)"
  baseline_out=$("$bench" --sim "$sim" --services 5 --seconds 5 --interval 1 --baseline) ||
    die "the 5-service baseline run failed"
  printf '%s\n' "$baseline_out" | grep -E 'peak RSS|^RESULT poll-baseline' | sed 's/^/  /'
  baseline_kb=$(printf '%s\n' "$baseline_out" |
                sed -n 's/^RESULT poll-baseline .*peak_rss_kb=\([0-9][0-9]*\).*/\1/p')
  [ -n "$baseline_kb" ] || die "the baseline run printed no peak_rss_kb"
fi

# The floor of the opening's first frame (tests/bench/bench-page-switch.c): a bare
# window of the console's size repainting all of itself on a page switch, with nothing
# new to load, then the same with 26 MB of new objects made in the switch's dispatch
# (what 200 services add to the console's peak resident set over 5: 117 → 143 MB).
# Three runs each; TW_BENCH_POLL_PAGE_FLOOR=0 skips them.
switch=$build/tests/bench/bench-page-switch
if [ "${TW_BENCH_POLL_PAGE_FLOOR:-1}" != 0 ] && [ -x "$switch" ]; then
  for grow in 0 26; do
    figures=()
    for run in 1 2 3; do
      line=$("$switch" --grow-mb "$grow" 2>/dev/null | sed -n 's/^PAGE_SWITCH //p')
      [ -n "$line" ] || die "bench-page-switch --grow-mb $grow printed nothing"
      stall=$(printf '%s\n' "$line" | sed -n 's/.*worst_stall_us=\([0-9]*\).*/\1/p')
      paint=$(printf '%s\n' "$line" | sed -n 's/.*paint_us=\([0-9]*\).*/\1/p')
      figures+=("$(awk -v s="$stall" -v p="$paint" 'BEGIN { printf "%.1f (paint %.1f)", s / 1000, p / 1000 }')")
      echo "RESULT poll-page-floor grow_mb=$grow run=$run $line"
    done
    if [ "$grow" = 0 ]; then
      what="a bare window's whole-window page switch, nothing new to load"
    else
      what="the same with $grow MB of new objects in the switch's dispatch"
    fi
    echo "Floor of the opening's frame: $what: worst stall ${figures[0]} / ${figures[1]} / ${figures[2]} ms"
  done
fi

exec "$bench" --sim "$sim" \
  --services "$services" \
  --seconds "${TW_BENCH_POLL_SECONDS:-30}" \
  --baseline-kb "${baseline_kb:-0}" \
  --interval 1 "$@"
