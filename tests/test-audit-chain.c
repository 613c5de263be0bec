/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tw-audit-log.h"
#include "tw-error.h"

/* The keyed chain against someone who can edit the log's files but not read the keyring:
 * each way the issue found to shorten or rewrite the log unnoticed. Every case runs with
 * the memory store and, in the test session, against the real keyring (gnome-keyring). */

typedef enum
{
  STORE_MEMORY,
  STORE_KEYRING,
} Store;

typedef struct
{
  Store      store;
  TwSecrets *secrets;
  char      *dir;
  char      *path;
  char      *anchor;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = GPOINTER_TO_INT (data);
  if (f->store == STORE_KEYRING && g_getenv ("TW_TEST_SESSION") == NULL)
    return;
  f->secrets = f->store == STORE_KEYRING ? tw_secrets_new_keyring () : tw_secrets_new_memory ();
  f->dir = g_dir_make_tmp ("tw-audit-chain-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "audit.db", NULL);
  f->anchor = g_strconcat (f->path, ".anchor", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->secrets);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->anchor);
}

/* In the session the keyring is there: without it, say how to run. */
static gboolean
skip_without_store (Fixture *f)
{
  if (f->secrets != NULL)
    return FALSE;
  g_test_skip ("needs the keyring of the test session: run it with build-aux/run test");
  return TRUE;
}

static TwAuditLog *
open_log (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  TwAuditLog *log = tw_audit_log_open_with_secrets (f->path, f->secrets, &error);

  g_assert_no_error (error);
  return log;
}

static void
write_rows (TwAuditLog *log,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *target = g_strdup_printf ("svc-%u", i);

      g_assert_cmpint (tw_audit_log_record (log, "desk", TW_MODE_LIVE, "trading.halt", target,
                                            "drawdown", TW_AUDIT_OUTCOME_OK, 200, "halted",
                                            &error), >, 0);
      g_assert_no_error (error);
    }
}

static void
assert_intact (TwAuditLog *log,
               guint64     n_rows,
               gint64      keyed_from)
{
  g_autoptr(GError) error = NULL;
  TwAuditVerdict verdict;

  g_assert_true (tw_audit_log_verify_full (log, &verdict, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (verdict.n_rows, ==, n_rows);
  g_assert_cmpint (verdict.bad_row, ==, 0);
  g_assert_cmpint (verdict.keyed_from, ==, keyed_from);
}

/* Asserts verification fails at @bad_row with a message holding @words. */
static void
assert_tampered (TwAuditLog *log,
                 gint64      bad_row,
                 const char *words)
{
  g_autoptr(GError) error = NULL;
  TwAuditVerdict verdict;

  g_assert_false (tw_audit_log_verify_full (log, &verdict, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_assert_cmpint (verdict.bad_row, ==, bad_row);
  g_assert_nonnull (strstr (error->message, words));
}

/* The attacker's tool: plain SQL on the file, triggers dropped. */
static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* The unkeyed canonical hash, as anyone can compute it from tw-audit-log.h. */
static char *
unkeyed_hash (sqlite3_stmt *stmt,
              const char   *tag,
              const char   *prev_hash)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) tag, -1);
  for (int column = 0; column < 12; column++)
    {
      g_checksum_update (sum, (const guchar *) "\x1f", 1);
      g_checksum_update (sum, sqlite3_column_text (stmt, column), -1);
    }
  g_checksum_update (sum, (const guchar *) "\x1f", 1);
  g_checksum_update (sum, (const guchar *) prev_hash, -1);
  return g_strdup (g_checksum_get_string (sum));
}

/* Rewrites every row's prev_hash and hash with the plain SHA-256 of @tag: the attack of
 * the issue (edit a row, recompute the chain), or how an earlier version wrote. Returns
 * the last hash. */
static char *
rechain (const char *path,
         const char *tag)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *prev = g_strnfill (64, '0');
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, time_us, profile, mode, actor, action, "
                                       "target, reason, outcome, http_status, message, "
                                       "request_id FROM audit ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      char *hash = unkeyed_hash (stmt, tag, prev);

      g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit SET prev_hash = '%s', hash = '%s' "
                                                 "WHERE id = %lld;", prev, hash,
                                                 (long long) sqlite3_column_int64 (stmt, 0)));
      g_free (prev);
      prev = hash;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER IF EXISTS audit_no_update", NULL, NULL, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < updates->len; i++)
    g_assert_cmpint (sqlite3_exec (db, g_ptr_array_index (updates, i), NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return g_steal_pointer (&prev);
}

static void
write_anchor (Fixture    *f,
              gint64      id,
              const char *hash)
{
  g_autofree char *text = g_strdup_printf ("tw-audit-anchor-1 %" G_GINT64_FORMAT " %s\n", id, hash);

  g_assert_true (g_file_set_contents (f->anchor, text, -1, NULL));
}

/* Deleting the newest rows together with the anchor file. */
static void
test_truncate_with_anchor (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;

  if (skip_without_store (f))
    return;
  log = open_log (f);
  write_rows (log, 5);
  assert_intact (log, 5, 1);

  exec_sql (f->path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 3;");
  g_assert_cmpint (g_unlink (f->anchor), ==, 0);
  assert_tampered (log, 4, "truncated");
  assert_tampered (log, 4, "rows 4 to 5");
}

/* Editing a row and recomputing the unkeyed SHA-256 chain, then rewriting the anchor:
 * without the key, no MAC can be recomputed. */
static void
test_recomputed_chain (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  const char *tags[] = { "tw-audit-1", "tw-audit-2" };

  if (skip_without_store (f))
    return;
  log = open_log (f);
  write_rows (log, 5);

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *last = NULL;

      exec_sql (f->path, "DROP TRIGGER IF EXISTS audit_no_update; "
                "UPDATE audit SET reason = 'nothing to see' WHERE id = 3;");
      last = rechain (f->path, tags[i]);
      write_anchor (f, 5, last);
      assert_tampered (log, 1, "does not match its MAC");
    }
}

/* A log replaced by an older copy of itself (with that copy's anchor). */
static void
test_older_copy (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *copy_anchor = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (skip_without_store (f))
    return;
  copy = g_build_filename (f->dir, "old.db", NULL);
  copy_anchor = g_strconcat (copy, ".anchor", NULL);
  log = open_log (f);
  write_rows (log, 3);
  exec_sql (f->path, "PRAGMA wal_checkpoint(TRUNCATE);");
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (f->anchor, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy_anchor, contents, length, NULL));
  write_rows (log, 2);
  g_clear_object (&log);

  g_assert_cmpint (g_rename (copy, f->path), ==, 0);
  g_assert_cmpint (g_rename (copy_anchor, f->anchor), ==, 0);
  {
    g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  log = open_log (f);
  assert_tampered (log, 4, "truncated");
}

/* Both files deleted: the log is reported missing, never "0 rows, intact"; and rows
 * written after that do not make it look whole again. */
static void
test_deleted (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autofree char *wal = NULL;

  if (skip_without_store (f))
    return;
  wal = g_strconcat (f->path, "-wal", NULL);
  log = open_log (f);
  write_rows (log, 4);
  g_clear_object (&log);

  g_assert_cmpint (g_unlink (f->path), ==, 0);
  g_unlink (wal);
  g_assert_cmpint (g_unlink (f->anchor), ==, 0);

  log = open_log (f);
  assert_tampered (log, 1, "is missing");
  assert_tampered (log, 1, "4 rows were written");

  /* The console goes on writing (halting never waits on the log's past)… */
  write_rows (log, 2);
  /* …and the loss stays on record. */
  assert_tampered (log, 1, "lost rows before row 1");
  g_clear_object (&log);
  log = open_log (f);
  assert_tampered (log, 1, "row 4 had been written");
}

/* Another log's file put in its place: its rows are keyed, but not this log's. */
static void
test_swapped (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autoptr(TwAuditLog) other = NULL;
  g_autofree char *other_path = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_store (f))
    return;
  other_path = g_build_filename (f->dir, "other.db", NULL);
  log = open_log (f);
  write_rows (log, 2);
  other = tw_audit_log_open_with_secrets (other_path, f->secrets, &error);
  g_assert_no_error (error);
  write_rows (other, 3);
  g_clear_object (&other);
  g_clear_object (&log);

  exec_sql (other_path, "PRAGMA wal_checkpoint(TRUNCATE);");
  g_assert_cmpint (g_rename (other_path, f->path), ==, 0);
  g_unlink (f->anchor);
  log = open_log (f);
  assert_tampered (log, 1, "does not match its MAC");
}

/* A log of an earlier version (the unkeyed chain): verified as before and said to be
 * unkeyed; keyed from the next row on, with the old rows chained to the keyed ones, so
 * rewriting them afterwards shows. */
static void
test_earlier_version (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autoptr(TwAuditLog) scratch = NULL;
  g_autoptr(TwSecrets) other_store = tw_secrets_new_memory ();
  g_autofree char *last = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_store (f))
    return;

  /* Rows as an earlier version wrote them: SHA-256 "tw-audit-1" and an anchor. */
  scratch = tw_audit_log_open_with_secrets (f->path, other_store, &error);
  g_assert_no_error (error);
  write_rows (scratch, 3);
  g_clear_object (&scratch);
  last = rechain (f->path, "tw-audit-1");
  write_anchor (f, 3, last);

  log = open_log (f);
  assert_intact (log, 3, 0);

  write_rows (log, 2);
  assert_intact (log, 5, 4);

  /* Rewriting the old part, chain and anchor recomputed: the first keyed row's link,
   * under its MAC, no longer holds. */
  exec_sql (f->path, "DROP TRIGGER IF EXISTS audit_no_update; UPDATE audit SET reason = 'rewritten' WHERE id = 2;");
  g_clear_pointer (&last, g_free);
  last = rechain (f->path, "tw-audit-1");
  write_anchor (f, 5, last);
  assert_tampered (log, 4, "does not match its MAC");
}

static void
add (const char *name,
     void      (*func) (Fixture *, gconstpointer))
{
  g_autofree char *memory = g_strdup_printf ("/tw/core/audit-chain/memory/%s", name);
  g_autofree char *keyring = g_strdup_printf ("/tw/core/audit-chain/keyring/%s", name);

  g_test_add (memory, Fixture, GINT_TO_POINTER (STORE_MEMORY), fixture_setup, func, fixture_teardown);
  g_test_add (keyring, Fixture, GINT_TO_POINTER (STORE_KEYRING), fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("truncate-with-anchor", test_truncate_with_anchor);
  add ("recomputed-chain", test_recomputed_chain);
  add ("older-copy", test_older_copy);
  add ("deleted", test_deleted);
  add ("swapped", test_swapped);
  add ("earlier-version", test_earlier_version);

  return g_test_run ();
}
