#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-risk.sh — the risk controls on the real console (`--demo`, the
# simulator on a thread, polling every 1 s):
#   1. breaker trip → the critical notification on the session bus, p50 / p99 / max
#      over TW_BENCH_RISK_TRIPS (default 50) trips (goal ≤ poll interval + 100 ms);
#   2. app.halt across the four halting services, each with its own latency fault
#      (50, 100, 150, 300 ms), against the slowest single request alone, medians over
#      TW_BENCH_RISK_RUNS (default 20) runs (goal ≤ + 50 ms).
# bench-risk does the work (see its header). TW_BENCH_VERBOSE=1 prints each trip and run.
#
# Needs a display, a session bus and a notification server: run it through
# tests/bench/run (`build-aux/run bench`), which starts the headless session.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${TW_BUILD_DIR:-$repo/_build}
bench=$build/tests/bench/bench-risk

die () {
  echo "bench-risk: $*" >&2
  exit 1
}

[ -x "$bench" ] || die "$bench is not built: run ninja -C $build"
[ -f "$build/data/gschemas.compiled" ] || die "$build/data/gschemas.compiled is not built: run ninja -C $build"
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || die "no display: run through tests/bench/run"
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "no session bus: run through tests/bench/run"

# The console writes its audit log and the demo its databases: into a private
# directory, removed afterwards, whatever session this runs in.
work=$(mktemp -d "${TMPDIR:-/tmp}/tw-bench-risk.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/data" "$work/config" "$work/cache" "$work/state" "$work/sim"
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
       XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" TW_SIM_DATA_DIR="$work/sim"

export GSK_RENDERER=cairo
export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
export XDG_DATA_DIRS="$repo/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
# The simulator must accept the demo credentials, whatever the caller's env says.
unset API_KEYS LIVE_TRADING_KEY ALPACA_API_KEY ALPACA_SECRET_KEY
unset MALLOC_PERTURB_ MALLOC_CHECK_ TW_BENCH_FIRST_FRAME

"$bench" --trips "${TW_BENCH_RISK_TRIPS:-50}" --runs "${TW_BENCH_RISK_RUNS:-20}" --interval 1 \
  "$@" | grep -v -E '^[a-z-]+=http://127\.0\.0\.1:[0-9]+$'
