/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the backup, restore-crash and command-line tests (header-only: each
 * test is one .c file in tests/meson.build). */

#include <string.h>
#include <sqlite3.h>
#include <glib.h>
#include <glib/gstdio.h>

/* A database with two tables: items (@rows rows, each with a @payload-byte blob) and
 * ledger (as many rows). @wal selects journal_mode=WAL. @seed varies the content. */
static inline void
tw_test_make_db (const char *path,
                 int         rows,
                 int         payload,
                 gboolean    wal,
                 int         seed)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree guchar *blob = g_malloc (MAX (payload, 1));

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, wal ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, payload BLOB);"
                                 "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount REAL);"
                                 "CREATE INDEX items_name ON items (name);"
                                 "BEGIN;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO items (name, payload) VALUES (?, ?)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (int i = 0; i < rows; i++)
    {
      g_autofree char *name = g_strdup_printf ("item-%d-%d", seed, i);

      for (int j = 0; j < payload; j++)
        blob[j] = (guchar) (i * 31 + j * 7 + seed);
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 2, blob, payload, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO ledger (amount) SELECT id * 1.5 FROM items; COMMIT;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* SHA-256 over every row of every user table, in order, leaving out the items named
 * @except (nullable): equal content, equal checksum. */
static inline char *
tw_test_content_checksum_except (const char *path,
                                 const char *except)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *items = except != NULL
    ? g_strdup_printf ("SELECT id, name, payload FROM items WHERE name IS NOT '%s' ORDER BY id", except)
    : g_strdup ("SELECT id, name, payload FROM items ORDER BY id");
  const char *queries[] = { items, "SELECT id, amount, NULL FROM ledger ORDER BY id" };
  sqlite3 *db = NULL;

  g_assert_true (except == NULL || strchr (except, '\'') == NULL);
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      return NULL;
    }
  /* Another process may be writing (a test's late writer). */
  sqlite3_busy_timeout (db, 10000);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      if (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite3_close (db);
          return NULL;
        }
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < 3; c++)
          {
            const void *data = sqlite3_column_blob (stmt, c);
            int len = sqlite3_column_bytes (stmt, c);

            g_checksum_update (sum, data != NULL ? data : (const void *) "", len);
            g_checksum_update (sum, (const guchar *) "|", 1);
          }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_close (db);
          return NULL;
        }
    }
  sqlite3_close (db);

  return g_strdup (g_checksum_get_string (sum));
}

static inline char *
tw_test_content_checksum (const char *path)
{
  return tw_test_content_checksum_except (path, NULL);
}

/* Runs the sqlite3 tool; returns its stdout stripped (exit status in @status). */
static inline char *
tw_test_sqlite3 (const char *db,
                 const char *sql,
                 int        *status)
{
  const char *argv[] = { "sqlite3", "-batch", db, sql, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = g_spawn_check_wait_status (wait_status, NULL) ? 0 : 1;

  return g_strstrip (out);
}

static inline char *
tw_test_temp_dir (void)
{
  char *dir = g_dir_make_tmp ("tw-backup-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return dir;
}

static inline void
tw_test_remove_tree (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}
