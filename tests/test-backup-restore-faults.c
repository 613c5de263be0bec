/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The restore against what happens around it and inside it: a writer that starts after
 * the pre-flight (its write is refused or kept, never lost), and a failure after the
 * replace (the original is put back from the pre-restore backup, and the operator is told
 * which happened), driven through the restore's test-only hook. */
#include "config.h"

#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include "tw-backup-manager.h"
#include "tw-backup-private.h"
#include "tw-error.h"
#include "tw-backup-test-helpers.h"

typedef struct
{
  char            *dir;
  char            *db;
  char            *backups;
  TwAuditLog      *audit;
  TwBackupManager *manager;
  TwBackup        *backup;
  gboolean         wal;

  /* what the hook does */
  const char      *point;        /* where it acts */
  const char      *also_fail;    /* a second point made to fail */
  gboolean         fail;         /* make that step fail */
  gboolean         late_writer;  /* run the sqlite3 tool as a writer there, to its end */
  gboolean         late_holder;  /* start a writer there that keeps the database open */
  gboolean         acted;
  int              writer_status;
  char            *writer_err;
  GPid             holder_pid;
  int              holder_in;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *audit_path = NULL;
  int status;

  f->wal = GPOINTER_TO_INT (data);
  f->dir = tw_test_temp_dir ();
  f->db = g_build_filename (f->dir, "investiq.db", NULL);
  f->backups = g_build_filename (f->dir, "backups", NULL);
  audit_path = g_build_filename (f->dir, "audit.db", NULL);
  f->audit = tw_audit_log_open (audit_path, &error);
  g_assert_no_error (error);
  f->manager = tw_backup_manager_new (f->audit, "test", TW_MODE_PAPER);
  tw_test_make_db (f->db, 300, 64, f->wal, 1);
  f->backup = tw_backup_manager_create (f->manager, f->db, f->backups, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The live database moves on after its backup: the restore is a real change. */
  g_free (tw_test_sqlite3 (f->db, "INSERT INTO items (name) VALUES ('after-backup'); "
                           "DELETE FROM ledger WHERE id < 40;", &status));
  g_assert_cmpint (status, ==, 0);
  f->holder_pid = 0;
  f->holder_in = -1;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  _tw_backup_restore_set_test_hook (NULL, NULL);
  if (f->holder_pid != 0)
    {
      kill (f->holder_pid, SIGKILL);
      waitpid (f->holder_pid, NULL, 0);
      g_spawn_close_pid (f->holder_pid);
    }
  if (f->holder_in >= 0)
    close (f->holder_in);
  g_clear_object (&f->backup);
  g_assert_finalize_object (f->manager);
  g_assert_finalize_object (f->audit);
  tw_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->backups);
  g_free (f->writer_err);
}

/* TRUE once process @pid has @path open. */
static gboolean
process_has_open (GPid        pid,
                  const char *path)
{
  g_autofree char *fd_dir = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) listing = g_dir_open (fd_dir, 0, NULL);
  g_autofree char *real = realpath (path, NULL);
  const char *name;

  while (listing != NULL && real != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *link = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (g_strcmp0 (target, real) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
hook (const char *point,
      gpointer    data)
{
  Fixture *f = data;

  if (f->also_fail != NULL && g_strcmp0 (point, f->also_fail) == 0)
    return FALSE;
  if (g_strcmp0 (point, f->point) != 0)
    return TRUE;
  f->acted = TRUE;

  if (f->late_writer)
    {
      /* A writer with a short busy timeout, run to its end while the restore waits. */
      const char *argv[] = { "sqlite3", "-batch", "-cmd", ".timeout 500", f->db,
                             "INSERT INTO items (name) VALUES ('late-writer');", NULL };
      g_autoptr(GError) error = NULL;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &f->writer_err, &f->writer_status, &error);
      g_assert_no_error (error);
    }
  if (f->late_holder)
    {
      /* A writer that opens the database now and waits (up to a minute) for the lock. */
      const char *argv[] = { "sqlite3", "-batch", f->db, NULL };
      const char *script = ".timeout 60000\nINSERT INTO items (name) VALUES ('late-holder');\n";
      g_autoptr(GError) error = NULL;
      gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &f->holder_pid, &f->holder_in, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (write (f->holder_in, script, strlen (script)), ==, (int) strlen (script));
      while (!process_has_open (f->holder_pid, f->db) && g_get_monotonic_time () < deadline)
        g_usleep (10 * 1000);
      g_assert_true (process_has_open (f->holder_pid, f->db));
    }

  return !f->fail;
}

static GPtrArray *
audit_actions (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = tw_audit_log_query (f->audit, &filter, NULL, &error);
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  /* oldest first, "action=outcome" */
  for (guint i = g_list_model_get_n_items (rows); i > 0; i--)
    {
      g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i - 1);

      g_ptr_array_add (actions, g_strdup_printf ("%s=%d", tw_audit_record_get_action (record),
                                                 tw_audit_record_get_outcome (record)));
    }

  return actions;
}

static gboolean
has_action (GPtrArray      *actions,
            const char     *action,
            TwAuditOutcome  outcome)
{
  g_autofree char *wanted = g_strdup_printf ("%s=%d", action, outcome);

  for (guint i = 0; i < actions->len; i++)
    if (g_str_equal (g_ptr_array_index (actions, i), wanted))
      return TRUE;

  return FALSE;
}

static char *
find_pre_restore (const char *backups)
{
  g_autoptr(GDir) listing = g_dir_open (backups, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, "-pre-restore.db") && name[0] != '.')
      return g_build_filename (backups, name, NULL);

  return NULL;
}

static gint64
count_rows (const char *db,
            const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM items WHERE name = '%s'", name);
  int status = -1;
  g_autofree char *out = tw_test_sqlite3 (db, sql, &status);

  g_assert_cmpint (status, ==, 0);
  return g_ascii_strtoll (out, NULL, 10);
}

static void
assert_integrity_ok (const char *db)
{
  int status = -1;
  g_autofree char *out = tw_test_sqlite3 (db, "PRAGMA integrity_check", &status);

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "ok");
}

/* A writer that starts after the pre-flight and runs while the restore goes on: the lock
 * taken in the pre-flight refuses it with SQLite's "database is locked", or — should it
 * get through — its row is in the pre-restore backup. Never silently lost. */
static void
test_late_writer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) pre = NULL;
  g_autofree char *backup_sum = tw_test_content_checksum (tw_backup_get_path (f->backup));
  g_autofree char *after = NULL;
  gboolean refused;

  f->point = "pre-backup";
  f->late_writer = TRUE;
  _tw_backup_restore_set_test_hook (hook, f);

  g_assert_true (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (f->backup), NULL,
                                            "late writer", TW_RESTORE_TRADING_HALTED, &pre, NULL,
                                            NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (f->acted);
  after = tw_test_content_checksum (f->db);
  g_assert_cmpstr (after, ==, backup_sum);

  refused = !g_spawn_check_wait_status (f->writer_status, NULL);
  g_test_message ("late writer: %s", refused ? f->writer_err : "its write went through");
  if (refused)
    {
      g_assert_nonnull (strstr (f->writer_err, "database is locked"));
      g_assert_cmpint (count_rows (tw_backup_get_path (pre), "late-writer"), ==, 0);
    }
  else
    g_assert_cmpint (count_rows (tw_backup_get_path (pre), "late-writer"), ==, 1);
  /* What the pre-restore backup holds is the database as the restore found it. */
  g_assert_cmpint (count_rows (tw_backup_get_path (pre), "after-backup"), ==, 1);
  assert_integrity_ok (tw_backup_get_path (pre));
}

/* A process that opens the database after the pre-flight and is still there when the file
 * would be renamed: the restore is refused, names it, and leaves the database as it was —
 * the writer's row lands there once the restore lets go. */
static void
test_late_holder (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = tw_test_content_checksum (f->db);
  g_autofree char *expected = NULL;
  g_autofree char *leftover = NULL;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_RESTORED;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  int status = 0;

  f->point = "built";
  f->late_holder = TRUE;
  _tw_backup_restore_set_test_hook (hook, f);

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (f->backup), NULL,
                                             "late holder", TW_RESTORE_TRADING_HALTED, NULL, &outcome,
                                             NULL, NULL, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_cmpint (outcome, ==, TW_RESTORE_OUTCOME_UNTOUCHED);
  g_test_message ("%s", error->message);
  expected = g_strdup_printf ("process %d (sqlite3) opened the database during the restore",
                              f->holder_pid);
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_nonnull (strstr (error->message, "The database was not touched."));
  /* The holder's row may land as soon as the restore lets go: the rest is as it was. */
  {
    g_autofree char *now = tw_test_content_checksum_except (f->db, "late-holder");

    g_assert_cmpstr (now, ==, before);
  }

  /* The lock is gone: the writer's row goes into the untouched database. */
  close (f->holder_in);
  f->holder_in = -1;
  g_assert_cmpint (waitpid (f->holder_pid, &status, 0), ==, f->holder_pid);
  g_spawn_close_pid (f->holder_pid);
  f->holder_pid = 0;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (count_rows (f->db, "late-holder"), ==, 1);
  g_assert_cmpint (count_rows (f->db, "after-backup"), ==, 1);
  assert_integrity_ok (f->db);

  /* No restore temporary left next to the database. */
  listing = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, ".investiq.db.tw-restore-"))
      leftover = g_strdup (name);
  g_assert_null (leftover);

  actions = audit_actions (f);
  g_assert_true (has_action (actions, "backup.restore.replace", TW_AUDIT_OUTCOME_REFUSED));
  g_assert_true (has_action (actions, "backup.restore", TW_AUDIT_OUTCOME_REFUSED));
}

/* The post-verify fails after the replace: the original is put back from the pre-restore
 * backup, equal to what it was (per the sqlite3 tool's .dump), and the message says so. */
static void
test_put_back (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autofree char *dump_before = tw_test_sqlite3 (f->db, ".dump", NULL);
  g_autofree char *dump_after = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *pre = NULL;
  g_autofree char *dump_pre = NULL;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_RESTORED;

  f->point = "post-verify";
  f->fail = TRUE;
  _tw_backup_restore_set_test_hook (hook, f);

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (f->backup), NULL,
                                             "put-back test", TW_RESTORE_TRADING_HALTED, NULL, &outcome,
                                             NULL, NULL, NULL, &error));
  g_assert_cmpint (outcome, ==, TW_RESTORE_OUTCOME_PUT_BACK);
  g_assert_error (error, TW_ERROR, TW_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (f->acted);
  g_assert_nonnull (strstr (error->message, "failed its check"));
  g_assert_nonnull (strstr (error->message, "The original database was put back from the "
                                            "pre-restore backup"));

  dump_after = tw_test_sqlite3 (f->db, ".dump", NULL);
  g_assert_cmpstr (dump_after, ==, dump_before);
  assert_integrity_ok (f->db);
  mode = tw_test_sqlite3 (f->db, "PRAGMA journal_mode", NULL);
  g_assert_cmpstr (mode, ==, f->wal ? "wal" : "delete");
  pre = find_pre_restore (f->backups);
  g_assert_nonnull (pre);
  g_assert_nonnull (strstr (error->message, pre));
  dump_pre = tw_test_sqlite3 (pre, ".dump", NULL);
  g_assert_cmpstr (dump_pre, ==, dump_before);

  actions = audit_actions (f);
  for (guint i = 0; i < actions->len; i++)
    g_test_message ("audit: %s", (char *) g_ptr_array_index (actions, i));
  g_assert_true (has_action (actions, "backup.restore", TW_AUDIT_OUTCOME_REQUESTED));
  g_assert_true (has_action (actions, "backup.restore.preflight", TW_AUDIT_OUTCOME_OK));
  g_assert_true (has_action (actions, "backup.restore.verify", TW_AUDIT_OUTCOME_OK));
  g_assert_true (has_action (actions, "backup.restore.pre-backup", TW_AUDIT_OUTCOME_OK));
  g_assert_true (has_action (actions, "backup.restore.replace", TW_AUDIT_OUTCOME_OK));
  g_assert_true (has_action (actions, "backup.restore.post-verify", TW_AUDIT_OUTCOME_FAILED));
  g_assert_true (has_action (actions, "backup.restore.put-back", TW_AUDIT_OUTCOME_OK));
  g_assert_true (has_action (actions, "backup.restore", TW_AUDIT_OUTCOME_FAILED));
  g_clear_error (&error);
  g_assert_true (tw_audit_log_verify (f->audit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Putting the original back fails too: the operator is told to restore it by hand from the
 * named pre-restore backup, which holds the original; the database still opens. */
static void
test_put_back_fails (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autofree char *dump_before = tw_test_sqlite3 (f->db, ".dump", NULL);
  g_autofree char *dump_pre = NULL;
  g_autofree char *pre = NULL;
  g_autofree char *backup_sum = tw_test_content_checksum (tw_backup_get_path (f->backup));
  g_autofree char *after = NULL;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_RESTORED;

  f->point = "post-verify";
  f->also_fail = "put-back-sidecars-removed";
  f->fail = TRUE;
  _tw_backup_restore_set_test_hook (hook, f);
  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (f->backup), NULL,
                                             "put-back test", TW_RESTORE_TRADING_HALTED, NULL, &outcome,
                                             NULL, NULL, NULL, &error));
  g_assert_cmpint (outcome, ==, TW_RESTORE_OUTCOME_BY_HAND);
  g_assert_error (error, TW_ERROR, TW_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "putting the original back failed too"));
  pre = find_pre_restore (f->backups);
  g_assert_nonnull (pre);
  g_assert_nonnull (strstr (error->message, "Restore it by hand from the pre-restore backup"));
  g_assert_nonnull (strstr (error->message, pre));

  /* The restored file stayed; it opens; the pre-restore backup holds the original. */
  assert_integrity_ok (f->db);
  after = tw_test_content_checksum (f->db);
  g_assert_cmpstr (after, ==, backup_sum);
  dump_pre = tw_test_sqlite3 (pre, ".dump", NULL);
  g_assert_cmpstr (dump_pre, ==, dump_before);

  actions = audit_actions (f);
  g_assert_true (has_action (actions, "backup.restore.post-verify", TW_AUDIT_OUTCOME_FAILED));
  g_assert_true (has_action (actions, "backup.restore.put-back", TW_AUDIT_OUTCOME_FAILED));
  g_assert_true (has_action (actions, "backup.restore", TW_AUDIT_OUTCOME_FAILED));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn, data) \
  g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown)
  ADD ("/tw/core/backup-restore/late-writer-wal", test_late_writer, GINT_TO_POINTER (TRUE));
  ADD ("/tw/core/backup-restore/late-writer-rollback", test_late_writer, GINT_TO_POINTER (FALSE));
  ADD ("/tw/core/backup-restore/late-holder-wal", test_late_holder, GINT_TO_POINTER (TRUE));
  ADD ("/tw/core/backup-restore/late-holder-rollback", test_late_holder, GINT_TO_POINTER (FALSE));
  ADD ("/tw/core/backup-restore/put-back-wal", test_put_back, GINT_TO_POINTER (TRUE));
  ADD ("/tw/core/backup-restore/put-back-rollback", test_put_back, GINT_TO_POINTER (FALSE));
  ADD ("/tw/core/backup-restore/put-back-fails", test_put_back_fails, GINT_TO_POINTER (TRUE));
#undef ADD

  return g_test_run ();
}
