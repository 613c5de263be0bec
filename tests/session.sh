#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/session.sh COMMAND [ARG...]
#
# Runs COMMAND in a private, headless desktop session, so tests get a real
# X display, session bus, keyring and notification server without touching
# the user's own:
#
#   - Xvfb (1280x800x24) through xvfb-run, OUTSIDE dbus-run-session, so
#     services the bus activates inherit DISPLAY;
#   - a private D-Bus session bus (dbus-run-session);
#   - private XDG_RUNTIME_DIR (0700), HOME, XDG_DATA_HOME, XDG_CONFIG_HOME,
#     XDG_CACHE_HOME and XDG_STATE_HOME under one temporary directory that is
#     removed afterwards;
#   - gnome-keyring-daemon with an unlocked default ("login") collection;
#   - tests/notification-recorder.py owning org.freedesktop.Notifications,
#     logging to $TW_NOTIFY_LOG (default: a file in the temporary directory);
#   - GSK_RENDERER=cairo GSETTINGS_BACKEND=memory MESA_SHADER_CACHE_DISABLE=true
#     NO_AT_BRIDGE=1 TW_TEST_SESSION=1.
#
# The exit status is COMMAND's; 125 when the session itself could not be set up.
# TW_SESSION_KEEP=1 keeps the temporary directory (its path is printed).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/session.sh"
python=/usr/bin/python3   # Debian's python: python3-gi is installed for it

die () {
  echo "session.sh: $*" >&2
  exit 125
}

outer () {
  [ $# -gt 0 ] || die "usage: tests/session.sh COMMAND [ARG...]"
  local tool
  for tool in xvfb-run xauth Xvfb dbus-run-session gnome-keyring-daemon gdbus secret-tool "$python"; do
    command -v "$tool" > /dev/null || die "$tool is missing; run build-aux/run deps"
  done

  local root rc=0
  root=$(mktemp -d "${TMPDIR:-/tmp}/tw-session.XXXXXX")
  chmod 700 "$root"
  mkdir -m 700 "$root/runtime" "$root/home" "$root/data" "$root/config" "$root/cache" "$root/state"

  export TW_SESSION_ROOT="$root"
  export XDG_RUNTIME_DIR="$root/runtime"
  export HOME="$root/home"
  export XDG_DATA_HOME="$root/data"
  export XDG_CONFIG_HOME="$root/config"
  export XDG_CACHE_HOME="$root/cache"
  export XDG_STATE_HOME="$root/state"
  export TW_NOTIFY_LOG="${TW_NOTIFY_LOG:-$root/notifications.jsonl}"
  export GSK_RENDERER=cairo
  export GSETTINGS_BACKEND=memory
  export MESA_SHADER_CACHE_DISABLE=true
  export NO_AT_BRIDGE=1
  export TW_TEST_SESSION=1
  # The user's session must not leak in.
  unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY XAUTHORITY \
        GNOME_KEYRING_CONTROL SSH_AUTH_SOCK SESSION_MANAGER

  if [ "${TW_SESSION_KEEP:-0}" = 1 ]; then
    trap 'echo "session.sh: kept $TW_SESSION_ROOT" >&2' EXIT
  else
    trap remove_root EXIT   # also on Ctrl+C
  fi

  # The first free display from a random one (-n before -a): two sessions started at
  # once (a developer's beside a helper's) both took the first free one from :99, and
  # the loser's programs met the other's X authority ("cannot open display").
  xvfb-run -n $((100 + RANDOM % 800)) -a -s '-screen 0 1280x800x24' \
    dbus-run-session -- bash "$self" --inner "$@" || rc=$?
  return "$rc"
}

# The session's private folders go, whatever the session left in them: where
# xdg-desktop-portal is installed, the document portal mounts a FUSE file system
# at $XDG_RUNTIME_DIR/doc that rm cannot remove until it is unmounted. Cleaning
# up never changes the tests' exit status.
remove_root () {
  local mount
  for mount in "$TW_SESSION_ROOT"/*/doc "$TW_SESSION_ROOT"/doc; do
    if [ -d "$mount" ] && grep -qs " $mount " /proc/self/mounts; then
      fusermount3 -uz "$mount" 2> /dev/null || fusermount -uz "$mount" 2> /dev/null ||
        umount -l "$mount" 2> /dev/null || true
    fi
  done
  rm -rf "$TW_SESSION_ROOT" 2> /dev/null || true
}

keyring_pid=""
recorder_pid=""

inner () {
  local rc=0 owned=0 i

  cleanup () {
    [ -n "$recorder_pid" ] && kill "$recorder_pid" 2> /dev/null && wait "$recorder_pid" 2> /dev/null
    [ -n "$keyring_pid" ] && kill "$keyring_pid" 2> /dev/null
    return 0
  }
  trap cleanup EXIT

  # --unlock reads the password from stdin and creates + unlocks the "login"
  # keyring (the default collection) in $XDG_DATA_HOME/keyrings: no prompt.
  local keyring_env
  keyring_env=$(printf %s 'tw-session' | gnome-keyring-daemon --unlock --components=secrets) ||
    die "gnome-keyring-daemon did not start"
  eval "$keyring_env"
  keyring_pid=${GNOME_KEYRING_PID:-}
  if [ -z "$keyring_pid" ] && [ -n "${GNOME_KEYRING_CONTROL:-}" ]; then
    # Older daemons do not print their pid: ask the bus who owns the name.
    keyring_pid=$(gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
      -m org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets 2> /dev/null |
      sed -n 's/^(uint32 \([0-9]*\),)$/\1/p')
  fi

  # Prove the keyring answers and stores without a prompt.
  printf %s probe | timeout 10 secret-tool store --label='Trade Warden session probe' tw-session probe ||
    die "the test keyring does not accept secrets (gnome-keyring locked or not on the bus)"
  [ "$(timeout 10 secret-tool lookup tw-session probe)" = probe ] ||
    die "the test keyring stored a secret but does not return it"
  timeout 10 secret-tool clear tw-session probe

  : >> "$TW_NOTIFY_LOG"
  "$python" "$here/notification-recorder.py" --log "$TW_NOTIFY_LOG" > "$TW_SESSION_ROOT/recorder.out" 2>&1 &
  recorder_pid=$!
  for i in $(seq 100); do
    if gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
         -m org.freedesktop.DBus.NameHasOwner org.freedesktop.Notifications 2> /dev/null | grep -q true; then
      owned=1
      break
    fi
    kill -0 "$recorder_pid" 2> /dev/null || { cat "$TW_SESSION_ROOT/recorder.out" >&2; die "the notification recorder exited"; }
    sleep 0.05
  done
  [ "$owned" = 1 ] || die "the notification recorder did not own org.freedesktop.Notifications within 5 s"

  "$@" || rc=$?
  return "$rc"
}

if [ "${1:-}" = --inner ]; then
  shift
  inner "$@"
else
  outer "$@"
fi
