#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-backup.sh — backups of a 1 GB database, in one run:
#   - backup time: `sqlite3 SRC ".backup DST"` against the core's
#     tw_backup_manager_create (snapshot + quick_check, what `tradewarden backup
#     create` does), as a ratio (goal ≤ 1.1);
#   - verify time: `sqlite3 DB "PRAGMA integrity_check"` against the core's full
#     tw_backup_manager_verify (integrity_check + row counts + schema
#     fingerprint, what `tradewarden backup verify` does), as a ratio (goal ≤ 1.1);
#   - the longest main-loop stall of a GLib main loop with a 1 ms timer while the
#     _async backup and verify run in the same process (goal ≤ 16 ms).
# Each timing is the median of TW_BENCH_BACKUP_RUNS (default 3) alternating runs
# after one warm-up of each, all with a warm page cache.
#
# The database (TW_BENCH_BACKUP_MB, default 1024 MB: rows of 4 KB random blobs and an
# index) is generated once into $TW_BENCH_BACKUP_DIR (default
# ${TMPDIR:-/tmp}/tw-bench-backup) and reused; remove that folder to regenerate.
# Needs no display.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${TW_BUILD_DIR:-$repo/_build}
bench=$build/tests/bench/bench-backup
mb=${TW_BENCH_BACKUP_MB:-1024}
runs=${TW_BENCH_BACKUP_RUNS:-3}
work=${TW_BENCH_BACKUP_DIR:-${TMPDIR:-/tmp}/tw-bench-backup}
src=$work/src-${mb}mb.db
out=$work/out

die () {
  echo "bench-backup: $*" >&2
  exit 1
}

[ -x "$bench" ] || die "$bench is not built: run ninja -C $build"
command -v sqlite3 > /dev/null || die "the sqlite3 tool is missing (apt-get install sqlite3)"
mkdir -p "$work"

if [ ! -s "$src" ]; then
  echo "generating a ${mb} MB database in $src (once)…"
  rows=$((mb * 256))   # 4 KB blobs
  rm -f "$src" "$src-wal" "$src-shm"
  sqlite3 "$src" > /dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
CREATE TABLE ticks (id INTEGER PRIMARY KEY, symbol TEXT NOT NULL, price REAL NOT NULL, payload BLOB);
CREATE INDEX ticks_symbol ON ticks (symbol);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO ticks (symbol, price, payload)
  SELECT printf('SYM%03d', abs(random()) % 500), abs(random() % 100000) / 100.0, randomblob(4000) FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
fi
size=$(stat -c %s "$src")
echo "database: $src, $((size / 1048576)) MB"

now_us () { date +%s%6N; }

median () { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

time_sqlite_backup () {
  rm -rf "$out"; mkdir -p "$out"
  local t0; t0=$(now_us)
  sqlite3 "$src" ".backup $out/copy.db" > /dev/null
  echo $(( $(now_us) - t0 ))
}

# Also keeps the split the core reports: the copy, then the fsync and quick_check of the
# new backup (side by side) with its publication.
time_core_backup () {
  rm -rf "$out"; mkdir -p "$out"
  local t0 t; t0=$(now_us)
  "$bench" create "$src" "$out" > "$work/create.out"
  t=$(( $(now_us) - t0 ))
  sed -n 's/^SNAPSHOT_US //p' "$work/create.out" >> "$work/snapshot.us"
  sed -n 's/^CHECK_US //p' "$work/create.out" >> "$work/check.us"
  echo "$t"
}

time_sqlite_verify () {
  local t0 answer; t0=$(now_us)
  answer=$(sqlite3 "$1" "PRAGMA integrity_check")
  [ "$answer" = ok ] || die "sqlite3 says: $answer"
  echo $(( $(now_us) - t0 ))
}

time_core_verify () {
  local t0; t0=$(now_us)
  "$bench" verify "$1" > /dev/null
  echo $(( $(now_us) - t0 ))
}

# A backup to verify (the same file for both tools).
rm -rf "$out"; mkdir -p "$out"
verify_target=$work/verify-target.db
[ -s "$verify_target" ] || sqlite3 "$src" ".backup $verify_target"

# Warm-up: page cache and binaries.
time_sqlite_backup > /dev/null; time_core_backup > /dev/null
time_sqlite_verify "$verify_target" > /dev/null; time_core_verify "$verify_target" > /dev/null

sb=(); cb=(); sv=(); cv=()
rm -f "$work/snapshot.us" "$work/check.us"
for _ in $(seq "$runs"); do
  sb+=("$(time_sqlite_backup)"); cb+=("$(time_core_backup)")
  sv+=("$(time_sqlite_verify "$verify_target")"); cv+=("$(time_core_verify "$verify_target")")
done
rm -rf "$out"

msb=$(printf '%s\n' "${sb[@]}" | median); mcb=$(printf '%s\n' "${cb[@]}" | median)
msv=$(printf '%s\n' "${sv[@]}" | median); mcv=$(printf '%s\n' "${cv[@]}" | median)
ms () { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1000 }'; }
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "backup:  sqlite3 .backup $(ms "$msb") [${sb[*]} µs], tradewarden $(ms "$mcb") [${cb[*]} µs]: ratio $(ratio "$mcb" "$msb") (goal ≤ 1.1)"
echo "         of which the copy (sqlite3 backup API into the temporary file) $(ms "$(median < "$work/snapshot.us")"), then its fsync side by side with its quick_check, the rename and the directory's fsync $(ms "$(median < "$work/check.us")") (medians)"
echo "verify:  sqlite3 integrity_check $(ms "$msv") [${sv[*]} µs], tradewarden $(ms "$mcv") [${cv[*]} µs]: ratio $(ratio "$mcv" "$msv") (goal ≤ 1.1)"

mkdir -p "$out"
stall=$("$bench" stall "$src" "$out")
rm -rf "$out"
max=$(sed -n 's/^STALL_MAX_US //p' <<< "$stall")
late=$(sed -n 's/^STALL_LATE_TICKS //p' <<< "$stall")
ticks=$(sed -n 's/^STALL_TICKS //p' <<< "$stall")
acreate=$(sed -n 's/^ASYNC_CREATE_US //p' <<< "$stall")
averify=$(sed -n 's/^ASYNC_VERIFY_US //p' <<< "$stall")
echo "stall:   longest main-loop stall $(ms "$max") ($late of $ticks ticks of the 1 ms timer later than 16 ms) while create_async $(ms "$acreate") and verify_async $(ms "$averify") ran (goal ≤ 16 ms)"
