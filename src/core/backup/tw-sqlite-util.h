/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core: SQLite and file helpers of the audit log and the backups. */

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Sets a TW_ERROR_DATABASE error "@what: SQLite's message" and returns FALSE. */
gboolean  _tw_sqlite_error       (GError      **error,
                                  sqlite3      *db,
                                  int           rc,
                                  const char   *what);
/* Opens @path with @flags (SQLITE_OPEN_*); @immutable opens a file nobody writes
 * (a backup) read-only without creating -wal/-shm files. */
sqlite3  *_tw_sqlite_open        (const char   *path,
                                  int           flags,
                                  gboolean      immutable,
                                  GError      **error);
gboolean  _tw_sqlite_exec        (sqlite3      *db,
                                  const char   *sql,
                                  const char   *what,
                                  GError      **error);
/* The text of PRAGMA integrity_check / quick_check: "ok" or the problems
 * (or the error SQLite gave, e.g. "file is not a database"). Never NULL. */
char     *_tw_sqlite_check       (sqlite3      *db,
                                  gboolean      quick);
/* User tables (sorted by name) with their row counts, and the schema fingerprint:
 * SHA-256 (hex) of the non-NULL sqlite_master.sql texts, sorted, joined by '\n'.
 * With @tables and @counts NULL, the rows are not counted. */
gboolean  _tw_sqlite_describe    (sqlite3      *db,
                                  GStrv        *tables,
                                  GArray      **counts,
                                  char        **fingerprint,
                                  GError      **error);
/* "journal_mode" of an open database ("wal", "delete", …); NULL on error. */
char     *_tw_sqlite_journal_mode (sqlite3     *db);

/* fsync a file or a directory by path. */
gboolean  _tw_fsync_path         (const char   *path,
                                  gboolean      directory,
                                  GError      **error);
/* Copies all of @in (read from offset 0 with pread, so @in's own offset is left alone)
 * into @out and fsyncs @out; @src and @dest name them in errors. Closes neither. */
gboolean  _tw_copy_fd_synced     (int           in,
                                  const char   *src,
                                  int           out,
                                  const char   *dest,
                                  GCancellable *cancellable,
                                  GError      **error);
/* Copies @src to @dest (a new file if @exclusive, else truncated), fsyncs it; removes
 * @dest on failure. */
gboolean  _tw_copy_file_synced   (const char   *src,
                                  const char   *dest,
                                  gboolean      exclusive,
                                  GCancellable *cancellable,
                                  GError      **error);
/* Processes (other than none) with @path, or its -wal/-journal, open:
 * "process 1234 (investiq)", comma-separated; NULL if none found. */
char     *_tw_find_holders       (const char   *path);
/* The same, leaving out this process (which holds the database during a restore). */
char     *_tw_find_other_holders (const char   *path);
/* Removes @path-wal, -shm and -journal; TRUE if none is left. */
gboolean  _tw_remove_sidecars    (const char   *path,
                                  GError      **error);

G_END_DECLS
