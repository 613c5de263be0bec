/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>

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

/* The attacker's connection. It waits for the log's own (a write or a verification
 * may hold the lock a moment; without a wait the test failed with "database is
 * locked" on a loaded machine). */
static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 30000);
  return db;
}

/* The attacker's tool: plain SQL on the file, triggers dropped. */
static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = open_db (path);
  char *message = NULL;

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

/* Rewrites the prev_hash and hash of rows @from to @to with the plain SHA-256 of @tag,
 * linked to row @from - 1 as it stands, and links row @to + 1 to the new last hash: the
 * attack of the issue (edit a row, recompute the chain), or how an earlier version, or a
 * process without the keyring, wrote. Returns the last hash. */
static char *
rechain_range (const char *path,
               const char *tag,
               gint64      from,
               gint64      to)
{
  sqlite3 *db = open_db (path);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *prev = g_strnfill (64, '0');
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, time_us, profile, mode, actor, action, "
                                       "target, reason, outcome, http_status, message, "
                                       "request_id, hash FROM audit ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      char *hash;

      if (id < from)
        hash = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
      else if (id <= to)
        {
          hash = unkeyed_hash (stmt, tag, prev);
          g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit SET prev_hash = '%s', "
                                                     "hash = '%s' WHERE id = %lld;", prev,
                                                     hash, (long long) id));
        }
      else
        {
          g_ptr_array_add (updates, g_strdup_printf ("UPDATE audit SET prev_hash = '%s' "
                                                     "WHERE id = %lld;", prev, (long long) id));
          break;
        }
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

static char *
rechain (const char *path,
         const char *tag)
{
  return rechain_range (path, tag, 1, G_MAXINT64);
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

/* A log whose table predates the "unkeyed" column: opened, it gets the column (its rows
 * 0), and it verifies as before — its old rows are not taken for rows written without
 * the keyring. */
static void
test_old_schema (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autofree char *last = NULL;
  TwAuditVerdict verdict;
  g_autoptr(GError) error = NULL;

  if (skip_without_store (f))
    return;
  exec_sql (f->path,
            "CREATE TABLE audit (id INTEGER PRIMARY KEY, time_us INTEGER NOT NULL,"
            " profile TEXT NOT NULL, mode TEXT NOT NULL, actor TEXT NOT NULL,"
            " action TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL,"
            " outcome TEXT NOT NULL, http_status INTEGER NOT NULL, message TEXT NOT NULL,"
            " request_id INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
            "INSERT INTO audit VALUES (1, 1700000000000001, 'desk', 'live', 'op', 'trading.halt',"
            " 'svc', 'old', 'ok', 200, 'halted', 0, '', '');"
            "INSERT INTO audit VALUES (2, 1700000000000002, 'desk', 'live', 'op', 'trading.halt',"
            " 'svc', 'old', 'ok', 200, 'halted', 0, '', '');");
  last = rechain (f->path, "tw-audit-1");
  write_anchor (f, 2, last);

  log = open_log (f);
  write_rows (log, 2);
  g_assert_true (tw_audit_log_verify_full (log, &verdict, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (verdict.n_rows, ==, 4);
  g_assert_cmpint (verdict.keyed_from, ==, 3);
  g_assert_cmpuint (verdict.n_unkeyed, ==, 0);
  g_assert_null (tw_audit_verdict_describe_unkeyed (&verdict));
}

/* Without the keyring --------------------------------------------------------- */

/* In a child process: the log at $TW_TEST_AUDIT_LOG opened as the console and the command
 * line open it, with its key and head in the keyring, but the session bus at
 * $TW_TEST_BUS — a cron job or an SSH session without a keyring. Writes $TW_TEST_ROWS
 * rows and writes how long each took, in ms, as "row ID MS" lines to $TW_TEST_OUT. */
static void
child_write_without_keyring (void)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = (guint) g_ascii_strtoull (g_getenv ("TW_TEST_ROWS"), NULL, 10);

  /* The warning saying why is the point: on stderr, for the parent to read. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", g_getenv ("TW_TEST_BUS"), TRUE);
  /* The product's bound, whatever the test run gives the keyring elsewhere. */
  g_setenv ("TW_AUDIT_KEYRING_TIMEOUT_MS", "1000", TRUE);
  log = tw_audit_log_open (g_getenv ("TW_TEST_AUDIT_LOG"), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 id = tw_audit_log_record (log, "desk", TW_MODE_LIVE, "trading.halt", "svc",
                                       "from cron", TW_AUDIT_OUTCOME_OK, 200, "halted", &error);

      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
      g_string_append_printf (out, "row %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", id,
                              (g_get_monotonic_time () - start) / 1000);
    }
  g_assert_true (g_file_set_contents (g_getenv ("TW_TEST_OUT"), out->str, -1, NULL));
}

/* Runs child_write_without_keyring for the log of @f with the bus at @bus; returns what
 * it wrote. */
static char *
write_without_keyring (Fixture    *f,
                       const char *bus,
                       guint       n_rows)
{
  g_autofree char *rows = g_strdup_printf ("%u", n_rows);
  g_autofree char *out_path = g_build_filename (f->dir, "child.out", NULL);
  char *out = NULL;

  g_setenv ("TW_TEST_AUDIT_LOG", f->path, TRUE);
  g_setenv ("TW_TEST_BUS", bus, TRUE);
  g_setenv ("TW_TEST_ROWS", rows, TRUE);
  g_setenv ("TW_TEST_OUT", out_path, TRUE);
  g_unlink (out_path);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* It said why, once (not on every row). */
  g_test_trap_assert_stderr ("*The audit log*cannot have its key from the keyring*rows from row * on are written without the keyring*");
  g_assert_true (g_file_get_contents (out_path, &out, NULL, NULL));
  return out;
}

static void
assert_unkeyed (TwAuditLog *log,
                guint64     n_rows,
                gint64      keyed_from,
                guint64     n_unkeyed,
                gint64      first,
                gint64      last,
                gint64      open_from,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TwAuditVerdict verdict;

  g_assert_true (tw_audit_log_verify_full (log, &verdict, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (verdict.n_rows, ==, n_rows);
  g_assert_cmpint (verdict.keyed_from, ==, keyed_from);
  g_assert_cmpuint (verdict.n_unkeyed, ==, n_unkeyed);
  g_assert_cmpint (verdict.unkeyed_first, ==, first);
  g_assert_cmpint (verdict.unkeyed_last, ==, last);
  g_assert_cmpint (verdict.unkeyed_open_from, ==, open_from);
  text = tw_audit_verdict_describe_unkeyed (&verdict);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, words));
}

/* A process that cannot reach the Secret Service still writes its rows, unkeyed and
 * chained, and says why; Verify names them; once a process with the keyring writes, its
 * keyed row covers the link to them, so rewriting them is detected. */
static void
test_no_secret_service (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autofree char *no_bus = NULL;
  g_autofree char *out = NULL;
  g_autofree char *last = NULL;

  if (g_test_subprocess ())
    {
      child_write_without_keyring ();
      return;
    }
  if (skip_without_store (f))
    return;

  log = open_log (f);
  write_rows (log, 2);
  assert_intact (log, 2, 1);

  /* No bus at all: the Secret Service cannot be reached. */
  no_bus = g_strdup_printf ("unix:path=%s/no-bus", f->dir);
  out = write_without_keyring (f, no_bus, 3);
  g_assert_nonnull (strstr (out, "row 5 "));
  assert_unkeyed (log, 5, 1, 3, 3, 5, 3, "rows 3–5 were written without the keyring");

  /* Before a keyed row follows them, they are only chained: rewritten with their chain,
   * they still pass — and Verify says that they could be. */
  exec_sql (f->path, "DROP TRIGGER IF EXISTS audit_no_update; "
            "UPDATE audit SET reason = 'rewritten' WHERE id = 4;");
  last = rechain_range (f->path, "tw-audit-1", 4, 5);
  write_anchor (f, 5, last);
  assert_unkeyed (log, 5, 1, 3, 3, 5, 3, "no keyed row follows them yet");

  /* The keyring is back (this process has it): the next row is keyed and covers them. */
  write_rows (log, 1);
  assert_unkeyed (log, 6, 1, 3, 3, 5, 0, "a later keyed row covers the link to them");

  /* Now rewriting an unkeyed row, with its chain, breaks the keyed row after them. */
  exec_sql (f->path, "UPDATE audit SET reason = 'rewritten again' WHERE id = 4;");
  g_clear_pointer (&last, g_free);
  last = rechain_range (f->path, "tw-audit-1", 4, 5);
  write_anchor (f, 6, last);
  assert_tampered (log, 6, "does not match its MAC");
}

/* A new log first written without the keyring: its rows are unkeyed from row 1, and the
 * first process with the keyring keys it from its next row on. */
static void
test_first_rows_without_keyring (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autofree char *no_bus = NULL;
  g_autofree char *out = NULL;

  if (g_test_subprocess ())
    {
      child_write_without_keyring ();
      return;
    }
  if (skip_without_store (f))
    return;

  no_bus = g_strdup_printf ("unix:path=%s/no-bus", f->dir);
  out = write_without_keyring (f, no_bus, 2);
  log = open_log (f);
  assert_unkeyed (log, 2, 0, 2, 1, 2, 1, "rows 1–2 were written without the keyring");
  write_rows (log, 2);
  assert_unkeyed (log, 4, 3, 2, 1, 2, 0, "rows 1–2 were written without the keyring");

  /* And again later, in two runs. */
  g_clear_pointer (&out, g_free);
  out = write_without_keyring (f, no_bus, 1);
  assert_unkeyed (log, 5, 3, 3, 1, 5, 5, "3 rows in 2 runs between rows 1 and 5");
}

/* A Secret Service that never answers (a locked keyring waiting on an unlock prompt no one
 * sees; here a bus that accepts the connection and says nothing): the row waits at most
 * TW_AUDIT_KEYRING_TIMEOUT_MS for it, and the rows after it not at all. */
static void
test_keyring_not_answering (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(TwAuditLog) log = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *bus = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  guint n_connections = 0;
  gint64 ms;
  int fd;

  if (g_test_subprocess ())
    {
      child_write_without_keyring ();
      return;
    }
  if (skip_without_store (f))
    return;

  /* Listening, never accepting: the kernel completes the connection, and the D-Bus
   * handshake then waits for an answer forever. */
  socket_path = g_build_filename (f->dir, "silent-bus", NULL);
  g_assert_cmpuint (strlen (socket_path), <, sizeof address.sun_path);
  strcpy (address.sun_path, socket_path);
  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, 16), ==, 0);
  bus = g_strdup_printf ("unix:path=%s", socket_path);

  out = write_without_keyring (f, bus, 3);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  /* The first row waited for the keyring at most about its timeout, 1 s (the keyring is
   * read ahead, in a thread, from open; without a bound it would wait for ever). */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *expected = g_strdup_printf ("row %u ", i + 1);

      g_assert_true (g_str_has_prefix (lines[i], expected));
      ms = g_ascii_strtoll (lines[i] + strlen (expected), NULL, 10);
      g_test_message ("row %u written in %" G_GINT64_FORMAT " ms", i + 1, ms);
      if (i == 0)
        g_assert_cmpint (ms, <, 5 * 1000);
    }
  /* The next rows did not try the keyring again: one connection to the bus in all. */
  g_assert_true (g_unix_set_fd_nonblocking (fd, TRUE, NULL));
  for (int client; (client = accept (fd, NULL, NULL)) >= 0; )
    {
      n_connections++;
      close (client);
    }
  close (fd);
  g_test_message ("%u connections to the bus", n_connections);
  g_assert_cmpuint (n_connections, ==, 1);

  log = open_log (f);
  assert_unkeyed (log, 3, 0, 3, 1, 3, 1, "rows 1–3 were written without the keyring");
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
  add ("old-schema", test_old_schema);
  add ("no-secret-service", test_no_secret_service);
  add ("first-rows-without-keyring", test_first_rows_without_keyring);
  add ("keyring-not-answering", test_keyring_not_answering);

  return g_test_run ();
}
